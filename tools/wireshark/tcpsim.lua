-- tcpsim.lua: Wireshark fields from the TCB comments of a tcpsim capture.
--
-- `tcpsim run SCENARIO --pcap FILE.pcapng --tcb-comments` gives every frame a connection
-- sent a comment holding that connection's TCB as the frame starts on the wire:
--
--   tcpsim: host=client state=ESTABLISHED cwnd=14480 ssthresh=2147483647 pipe=2896 ...
--
-- This postdissector reads that comment and adds the values as fields (tcpsim.cwnd,
-- tcpsim.state, ...), so they can be filtered on, shown as columns and plotted in the
-- I/O Graph. Frames without such a comment get nothing. See docs/captures.md.
--
-- Install: copy to ~/.local/lib/wireshark/plugins/ (Wireshark >= 3.6; older versions
-- use ~/.config/wireshark/plugins/), or load for one run:
--   wireshark -X lua_script:tools/wireshark/tcpsim.lua capture.pcapng
--   tshark -X lua_script:tools/wireshark/tcpsim.lua -r capture.pcapng -T fields -e tcpsim.cwnd

local tcpsim = Proto("tcpsim", "tcpsim sender TCB")

-- Comment key -> field. Keys not listed here are ignored, so newer captures still load.
local fields = {
  host = ProtoField.string("tcpsim.host", "Host", base.ASCII,
    "Name of the simulated host whose connection sent the frame"),
  state = ProtoField.string("tcpsim.state", "State", base.ASCII,
    "The sender's RFC 9293 connection state (ESTABLISHED, FIN-WAIT-1, ...)"),
  cwnd = ProtoField.uint32("tcpsim.cwnd", "cwnd", base.DEC, nil, nil,
    "Congestion window, bytes"),
  ssthresh = ProtoField.uint32("tcpsim.ssthresh", "ssthresh", base.DEC, nil, nil,
    "Slow-start threshold, bytes (2147483647 until the first loss)"),
  pipe = ProtoField.uint32("tcpsim.pipe", "pipe", base.DEC, nil, nil,
    "RFC 6675 estimate of bytes in the network, bytes"),
  in_flight = ProtoField.uint32("tcpsim.in_flight", "In flight", base.DEC, nil, nil,
    "SND.MAX - SND.UNA (FlightSize), bytes"),
  srtt_us = ProtoField.uint32("tcpsim.srtt", "SRTT", base.DEC, nil, nil,
    "Smoothed round-trip time (RFC 6298), microseconds; 0 before the first sample"),
  rto_us = ProtoField.uint32("tcpsim.rto", "RTO", base.DEC, nil, nil,
    "Retransmission timeout (RFC 6298), microseconds"),
  snd_una = ProtoField.uint32("tcpsim.snd_una", "SND.UNA", base.DEC, nil, nil,
    "Oldest unacknowledged sequence number (raw)"),
  snd_nxt = ProtoField.uint32("tcpsim.snd_nxt", "SND.NXT", base.DEC, nil, nil,
    "Next sequence number to send (raw)"),
  rwnd = ProtoField.uint32("tcpsim.rwnd", "rwnd", base.DEC, nil, nil,
    "SND.WND: the window the peer last advertised, scaled, bytes"),
}
-- Tree order: the order of the comment.
local order = { "host", "state", "cwnd", "ssthresh", "pipe", "in_flight", "srtt_us", "rto_us",
  "snd_una", "snd_nxt", "rwnd" }

-- Shown after the value in the details pane.
local units = { cwnd = " bytes", ssthresh = " bytes", pipe = " bytes", in_flight = " bytes",
  srtt_us = " µs", rto_us = " µs", rwnd = " bytes" }

local list = {}
for _, key in ipairs(order) do list[#list + 1] = fields[key] end
tcpsim.fields = list

local comment_field = Field.new("frame.comment")
local prefix = "tcpsim: "

-- The key=value pairs of the frame's TCB comment, or nil.
local function tcb_pairs()
  for _, info in ipairs({ comment_field() }) do
    local text = tostring(info.value)
    if text:sub(1, #prefix) == prefix then
      local pairs_found = {}
      for key, value in text:sub(#prefix + 1):gmatch("(%S+)=(%S+)") do
        pairs_found[key] = value
      end
      return pairs_found, text
    end
  end
  return nil
end

function tcpsim.dissector(_, pinfo, tree)
  local found = tcb_pairs()
  if found == nil then return end
  local subtree = tree:add(tcpsim, string.format("tcpsim TCB: %s %s",
    found.host or "?", found.state or "?"))
  subtree:set_generated()
  for _, key in ipairs(order) do
    local value = found[key]
    if value ~= nil then
      local field = fields[key]
      local item
      if key == "host" or key == "state" then
        item = subtree:add(field, value)
      else
        local number = tonumber(value)
        if number ~= nil then
          item = subtree:add(field, number)
          if units[key] ~= nil then item:append_text(units[key]) end
        end
      end
      if item ~= nil then item:set_generated() end
    end
  end
end

-- The Field.new above asks Wireshark to fill in frame.comment before this runs.
register_postdissector(tcpsim)
