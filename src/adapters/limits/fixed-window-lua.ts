// The fixed-window counter in Lua, once for every script that counts on the limiter's counters (the limiter's
// batched check, the phone fair-use check): a prelude placed before a script's own text, so the rules of a window
// (when it starts, when a counter is started afresh, how its expiry is set) cannot drift apart between them.
//
// window_read(key, window ms) -> count, ms left, fresh
//   Reads the counter with PTTL, then GET while it lives. A counter that is gone, or (written by something else)
//   without an expiry, reads as 0 with the whole window left and fresh = true; one without an expiry is deleted,
//   since a counter that never ends would block for ever. A counter that holds no number fails the script before
//   anything of the hit is written (the caller's fallback then answers).
// window_add(key, fresh, count, added, window ms)
//   Writes what a hit (or a batch's hits) added after window_read: a fresh counter is set to `count`, the new total,
//   with the window as its expiry, so the window starts at its first hit; a live one is raised by `added` and keeps
//   the expiry it has. Returns nothing.
export const FIXED_WINDOW_LUA = `
local function window_read(key, window)
  local ttl = redis.call('PTTL', key)
  if ttl >= 0 then
    local count = tonumber(redis.call('GET', key))
    if count == nil then error('counter ' .. key .. ' holds no number') end
    return count, ttl, false
  end
  if ttl == -1 then redis.call('DEL', key) end
  return 0, window, true
end
local function window_add(key, fresh, count, added, window)
  if fresh then redis.call('SET', key, count, 'PX', window)
  else redis.call('INCRBY', key, added) end
end
`;
