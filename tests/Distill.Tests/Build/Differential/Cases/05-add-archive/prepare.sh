# archives made here, with owners and modes git cannot hold; fixed mtimes keep them the same on every run
mkdir -p t/pkg/bin t/pkg/share/empty
printf '#!/bin/sh\necho tool\n' > t/pkg/bin/tool
echo conf > t/pkg/app.conf
chmod 0750 t/pkg/bin/tool
chmod 0604 t/pkg/app.conf
chmod 0711 t/pkg/share
ln -s bin/tool t/pkg/tool-link
ln t/pkg/app.conf t/pkg/app.conf.hard
tar --sort=name --mtime=@1000000000 --owner=1000 --group=1001 --numeric-owner -czf archive.tar.gz -C t .
tar --sort=name --mtime=@1000000000 --owner=33 --group=33 --numeric-owner -cf plain.tar -C t pkg
tar --sort=name --mtime=@1000000000 --owner=0 --group=0 --numeric-owner -cJf archive.tar.xz -C t pkg/bin
echo 'not a tar' | gzip -n > notar.txt.gz
echo file > file.txt
rm -rf t
