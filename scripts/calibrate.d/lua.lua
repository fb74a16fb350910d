-- lua.lua: the calibration shapes in Lua 5.4 (scripts/calibrate, docs/calibration.md).
--
-- usage: lua5.4 lua.lua incremental|generational SHAPE N    (shapes as cpython.py;
--        binary-trees is scripts/gcbench.lua)
-- prints: lua-incremental|lua-generational SHAPE N WALL_NS CPU_NS
-- Built with the collector stopped, then one collectgarbage("collect") is
-- timed (os.clock for CPU; wall time is os.time's whole seconds in Lua, so
-- the wall figure is the CPU figure). The collect runs the finalizers (__gc)
-- of fin-cycles too; their tables are freed by the next cycle, as Lua does.
local mode, shape, n = arg[1], arg[2], tonumber(arg[3])
local ks = {cycles = 2, ["fin-cycles"] = 2, ring3 = 3, ring100 = 100, ring10000 = 10000, full = 0}
if (mode ~= "incremental" and mode ~= "generational") or not ks[shape] or not n or n < 1 then
  io.stderr:write("usage: lua5.4 lua.lua incremental|generational SHAPE N\n")
  os.exit(2)
end
collectgarbage(mode)
collectgarbage("collect")
collectgarbage("stop")

local finalized = 0
local fin_mt = {__gc = function() finalized = finalized + 1 end}

local live, expect = nil, 0
if shape == "full" then
  for _ = 1, n do live = {live} end
  expect = n
else
  local k = ks[shape]
  local rings = k == 2 and n or math.max(1, n // k)
  for _ = 1, rings do
    local first = shape == "fin-cycles" and setmetatable({}, fin_mt) or {}
    local prev = first
    for _ = 2, k do
      local c = shape == "fin-cycles" and setmetatable({}, fin_mt) or {}
      prev[1] = c
      prev = c
    end
    prev[1] = first
  end
  expect = rings * k
end

collectgarbage("restart")
local c0 = os.clock()
collectgarbage("collect")
local cpu = math.floor((os.clock() - c0) * 1e9 + 0.5)
if shape == "fin-cycles" and finalized ~= expect then
  io.stderr:write(string.format("lua: %s: %d of %d finalizers ran\n", shape, finalized, expect))
  os.exit(1)
end
print(string.format("lua-%s %s %d %d %d", mode, shape, n, cpu, cpu))
