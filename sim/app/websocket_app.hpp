// The WebSocket applications and the event feed they share, one header each:
//  - WebSocketServer (websocket_server.hpp): echo, chat, or an event feed also served over
//    HTTP polling and long polling;
//  - WebSocketClient (websocket_client.hpp);
//  - PollingClient (polling_client.hpp): the feed over HTTP;
//  - feed.hpp: the feed's event lines and latency.
#pragma once

#include "sim/app/feed.hpp"
#include "sim/app/polling_client.hpp"
#include "sim/app/websocket_client.hpp"
#include "sim/app/websocket_server.hpp"
