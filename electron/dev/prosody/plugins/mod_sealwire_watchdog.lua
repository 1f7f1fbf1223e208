-- Sealwire test fixture helpers (electron/dev/prosody). Never for production servers.

-- While shutting down, the event loop only notices that the last connection is gone when it next
-- wakes; a short ticking timer makes stop() and restart() take milliseconds instead of up to a second.
module:hook_global("server-stopping", function ()
	require "util.timer".add_task(0.02, function () return 0.02; end);
end);

-- Shut Prosody down when the Node process that started it is gone, so a crashed or SIGKILLed test
-- run never leaves a server behind. Linux only (/proc); elsewhere inert.
local parent = module:get_option_number("sealwire_parent_pid");
if not parent then return; end

local function current_parent()
	local f = io.open("/proc/self/stat", "r");
	if not f then return nil; end
	local stat = f:read("*a");
	f:close();
	return tonumber(stat:match("^%d+ %b() %S+ (%d+)"));
end

if current_parent() == nil then
	module:log("info", "No /proc; parent watchdog inactive");
	return;
end

module:add_timer(1, function ()
	local ppid = current_parent();
	if ppid and ppid ~= parent then
		module:log("warn", "Parent process %d is gone; shutting down", parent);
		-- Shutdown waits on sessions closing, so it must run inside Prosody's main async thread.
		prosody.main_thread:run(function ()
			prosody.shutdown("parent process exited");
		end);
		return;
	end
	return 1;
end);
