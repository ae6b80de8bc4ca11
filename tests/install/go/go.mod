module example.com/tinker-consumer

go 1.19

require libtinker.dev/tinker v0.1.0

// Where golang-libtinker-dev (or `cmake --install`) puts the module, until it is published at
// libtinker.dev. check_go.sh points it at its temporary prefix, and drops it to fetch the module
// from the installed GOPROXY tree instead.
replace libtinker.dev/tinker => /usr/share/gocode/src/libtinker.dev/tinker
