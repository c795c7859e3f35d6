# The heavier Dockerfile of bench/build.sh: four stages (two of them independent of each other), ten RUN steps,
# a COPY of the Go standard library's sources (~100 MB in ~8000 files), deletions (whiteouts), and a final stage on
# the Debian base that holds ~85 MB of new files. Context: calc/main.go (the Go calculator) and gosrc/.
# Reproducible: the tar of the sources is made with fixed times and owners (the rm before it changes directory times).
FROM ubuntu AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends golang-go
ENV GO111MODULE=off CGO_ENABLED=0

FROM ubuntu AS assets
COPY gosrc /assets/gosrc
RUN find /assets/gosrc -type d -name testdata -prune -exec rm -rf {} +
RUN cd /assets && find gosrc -type f -name '*.go' | LC_ALL=C sort | xargs sha256sum > /assets/index.txt
RUN tar -C /assets --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - gosrc | gzip -n -1 > /assets/gosrc.tar.gz
RUN rm -rf /assets/gosrc/cmd && du -sk /assets > /assets/size.txt

FROM toolchain AS build
WORKDIR /src/calc
COPY calc/ .
RUN go vet .
RUN go build -o /out/calc .
RUN printf '1 + 2\n6 * 7\n' | /out/calc > /out/selftest.txt && grep -q 'Result: 42' /out/selftest.txt

FROM ubuntu
RUN useradd --system --no-create-home calc
COPY --from=assets /assets /opt/assets
COPY --from=build /out/ /opt/calc/
RUN ln -s /opt/calc/calc /usr/local/bin/calc && chown -R calc: /opt/calc
USER calc
WORKDIR /opt/calc
ENTRYPOINT ["/usr/local/bin/calc"]
