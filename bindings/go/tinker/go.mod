module libtinker.dev/tinker

go 1.19
