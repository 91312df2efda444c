// The whole test-support kit: the segment notation, a connection under test with its peer,
// a helper and a fixture per state, printers and matchers (docs/coursework.md).
#pragma once

#include <tcpsim/testing/matchers.hpp>
#include <tcpsim/testing/notation.hpp>
#include <tcpsim/testing/printers.hpp>
#include <tcpsim/testing/states.hpp>
#include <tcpsim/testing/test_connection.hpp>
