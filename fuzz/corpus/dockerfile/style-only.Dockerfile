FROM debian:12.5
LABEL Bad_Key=1
USER nobody
