module kestrelecho/bench/echo

go 1.19
