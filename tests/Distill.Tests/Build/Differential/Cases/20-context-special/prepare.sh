mkdir -p tree/empty tree/sub
echo data > tree/file
chmod 4755 tree/file
ln tree/file tree/hard
ln -s file tree/sym
ln -s sub tree/dirsym
ln -s /etc/passwd tree/abs
echo x > tree/sub/x
chmod 0600 tree/sub/x
chmod 2755 tree/sub
chown 1234:1234 tree/sub/x
