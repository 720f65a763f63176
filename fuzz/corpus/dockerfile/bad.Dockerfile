# syntax=docker/dockerfile:1
FROM debian
RUN apt-get update && apt-get install curl
# hadolint ignore=DL3004
RUN sudo make install
RUN sudo make clean
WORKDIR app
ENV API_TOKEN=abc123
COPY id_rsa /root/.ssh/id_rsa
CMD echo done
