-- gcbench.lua: binary-trees (Boehm's GCBench) on Lua tables, the shape of
-- membench's binary-trees workload: a stretch tree of depth n+2, a long-lived
-- tree of depth n, then for d = 4, 6, ..., n: iters(d) = 2*size(n+2)/size(d)
-- trees built top-down and as many bottom-up, each dropped; a node is a table
-- {left, right}. The anchor for membench's collectors (scripts/perf).
--
-- usage: lua5.4 scripts/gcbench.lua generational|incremental [n]
-- prints: mode n nodes cpu_seconds checksum
local mode, n = arg[1], tonumber(arg[2] or "16")
if (mode ~= "generational" and mode ~= "incremental") or not n or n < 4 or n > 24 then
  io.stderr:write("usage: lua5.4 gcbench.lua generational|incremental [n: 4..24]\n")
  os.exit(2)
end
collectgarbage(mode)

local function size(d) return (2 << d) - 1 end

local function make_tree(d)            -- bottom-up (MakeTree)
  if d == 0 then return {false, false} end
  return {make_tree(d - 1), make_tree(d - 1)}
end

local function populate(d, node)       -- top-down (Populate)
  if d == 0 then return end
  node[1] = {false, false}
  node[2] = {false, false}
  populate(d - 1, node[1])
  populate(d - 1, node[2])
end

local function count(t)
  if not t then return 0 end
  return 1 + count(t[1]) + count(t[2])
end

local t0 = os.clock()
local nodes = 0
do local stretch = make_tree(n + 2); nodes = nodes + size(n + 2) end
local long_lived = {false, false}
populate(n, long_lived)
nodes = nodes + size(n)
for d = 4, n, 2 do
  local iters = 2 * size(n + 2) // size(d)
  for _ = 1, iters do
    local t = {false, false}
    populate(d, t)
    t = make_tree(d)
  end
  nodes = nodes + 2 * iters * size(d)
end
local walked = count(long_lived)
local cpu = os.clock() - t0
print(string.format("%s %d %d %.6f %d", mode, n, nodes, cpu, walked))
