-- Run by tests/debian_programs.rs: lua5.4 tables.lua
local t = {}
for i = 1, 1000 do t[i] = (i * 7919) % 1009 end
table.sort(t)
print(t[1], t[500], t[1000], #t)
local words = {}
for w in ("the quick brown fox jumps over the lazy dog the end"):gmatch("%a+") do
  words[w] = (words[w] or 0) + 1
end
local keys = {}
for k in pairs(words) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", words[k], " ") end
print()
print(string.format("%.17g %.17g %.17g", math.pi, math.sqrt(2), 1 / 3))
print(string.format("%g %g %g %g", math.sin(1), math.cos(1), math.exp(1), math.log(10)))
print(math.floor(-3.5), math.ceil(-3.5), math.fmod(7, 3), 7 // 2, -7 // 2, 7 % -3, 2 ^ 10)
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, 0x7fffffff * 3)
print(3 / 0, -3 / 0, math.huge, math.tointeger(3.0), 1e300 * 1e10)
print(string.rep("ab", 3, "-"), ("Hello"):upper(), ("Hello"):byte(1, -1))
print(("%d items at %5.2f"):format(3, 2.5), ("a,b,,c"):gsub(",", ";"))
print(("hello world"):find("o w"), ("key = value"):match("(%w+)%s*=%s*(%w+)"))
local fib = {}
local function f(n) if n < 2 then return n end if fib[n] then return fib[n] end
  local v = f(n - 1) + f(n - 2); fib[n] = v; return v end
print(f(80), f(90))
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print(co(), co(), co())
print(select("#", 1, nil, 3), pcall(error, "boom"), tostring(nil), tonumber("0x1p4"))
local acc = 0.0
for i = 1, 100000 do acc = acc + 1 / i end
print(string.format("%.15f", acc))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"))
