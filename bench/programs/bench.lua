-- lua5.4 workload of bench/run.sh: tables and strings, closures, a
-- metatable-based vector class, recursion and string buffers; one line of
-- results per part.  Deterministic.

local function lcg(seed)
  local state = seed
  return function()
    state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return (state >> 33)
  end
end

local function words_part()
  local rnd = lcg(1)
  local vocab = {}
  for i = 1, 500 do
    local t = {}
    for j = 1, 1 + rnd() % 7 do t[j] = string.char(97 + rnd() % 26) end
    vocab[i] = table.concat(t)
  end
  local counts, distinct = {}, 0
  for _ = 1, 80000 do
    local w = vocab[1 + (rnd() % 500) * (rnd() % 4 + 1) // 4]
    if not counts[w] then distinct = distinct + 1 end
    counts[w] = (counts[w] or 0) + 1
  end
  local list = {}
  for w, n in pairs(counts) do list[#list + 1] = { w, n } end
  table.sort(list, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
  local top = {}
  for i = 1, 5 do top[i] = list[i][1] .. "=" .. list[i][2] end
  return string.format("words %d %s", distinct, table.concat(top, " "))
end

local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return setmetatable({ x = a.x + b.x, y = a.y + b.y }, Vec) end
Vec.__mul = function(a, k) return setmetatable({ x = a.x * k, y = a.y * k }, Vec) end
local function vec(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec:dot(o) return self.x * o.x + self.y * o.y end

local function vec_part()
  local rnd = lcg(2)
  local acc = vec(0, 0)
  local dots = 0
  for _ = 1, 100000 do
    local v = vec(rnd() % 100 - 50, rnd() % 100 - 50)
    acc = acc + v * 3
    dots = dots + acc:dot(v) % 1000003
  end
  return string.format("vec %d %d %d", acc.x, acc.y, dots)
end

local function queens(n, row, cols, d1, d2)
  if row == n then return 1 end
  local total = 0
  local free = ~(cols | d1 | d2) & ((1 << n) - 1)
  while free ~= 0 do
    local bit = free & -free
    free = free ~ bit
    total = total + queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1)
  end
  return total
end

local function string_part()
  local rnd = lcg(3)
  local buf = {}
  for i = 1, 20000 do
    buf[i] = string.format("%05d:%x;", rnd() % 100000, i)
  end
  local s = table.concat(buf)
  local n, sum = 0, 0
  for a, b in s:gmatch("(%d+):(%x+);") do
    n = n + 1
    sum = (sum + tonumber(a) * 7 + tonumber(b, 16)) % 1000000007
  end
  local replaced = select(2, s:gsub("0", "o"))
  return string.format("strings %d %d %d %d", #s, n, sum, replaced)
end

local function closure_part()
  local fs = {}
  for i = 1, 1000 do
    local k = i
    fs[i] = function(x) return (x * k + i) % 65521 end
  end
  local x = 1
  for r = 1, 150 do
    for i = 1, 1000 do x = fs[i](x) end
    x = x + r
  end
  return "closures " .. x
end

print(words_part())
print(vec_part())
print(string.format("queens %d %d", queens(8, 0, 0, 0, 0), queens(9, 0, 0, 0, 0)))
print(string_part())
print(closure_part())
