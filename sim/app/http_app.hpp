// The HTTP/1.1 applications on simulated hosts: HttpServer (http_server.hpp) and
// HttpClient (http_client.hpp).
#pragma once

#include "sim/app/http_client.hpp"
#include "sim/app/http_server.hpp"
