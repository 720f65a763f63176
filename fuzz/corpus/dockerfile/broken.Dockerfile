FROM debian:12.5
RUN echo one
FOO bar
