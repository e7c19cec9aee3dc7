module apphost.invalid/bench

go 1.19
