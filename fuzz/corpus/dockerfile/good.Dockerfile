# syntax=docker/dockerfile:1
FROM debian:12.5 AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends make=4.3-4.1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY <<EOF /src/Makefile
all:
	echo built > /src/out
EOF
RUN make

FROM debian:12.5
COPY --from=build /src/out /out
USER nobody
CMD ["cat", "/out"]
