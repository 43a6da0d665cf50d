module emu.test/gort

go 1.19
