module apphost.invalid/benchtools

go 1.19
