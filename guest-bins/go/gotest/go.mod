module emu.test/gotest

go 1.19
