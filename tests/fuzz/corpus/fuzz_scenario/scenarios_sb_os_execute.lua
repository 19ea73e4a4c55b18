-- sb_os_execute.lua
scenario { steps = 6, states = { "a", "b", "c" } }
os.execute("touch /tmp/demob_sandbox_escaped")
