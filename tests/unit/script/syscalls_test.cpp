// The data-path system calls: recv/send flags, recvmsg/sendmsg, readv/writev, ioctl,
// poll and getsockopt(TCP_INFO), each checked against what the stack does.
#include <gtest/gtest.h>

#include "sim/script/runner.hpp"

namespace tcpsim::sim::script {
namespace {

constexpr const char* kAccepted = R"(
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1000>
+0    > S. 0:0(0) ack 1 <mss 1460>
+.1   < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4
)";

ScriptResult run(const std::string& tail, const std::string& head = "") {
  ScriptOptions o;
  o.file_name = "s.pkt";
  return run_script_text(head + kAccepted + tail, o);
}

void expect_pass(const std::string& tail, const std::string& head = "") {
  ScriptResult r = run(tail, head);
  EXPECT_TRUE(r.passed()) << r.report();
}

void expect_invalid(const std::string& tail, const std::string& message,
                    const std::string& head = "") {
  ScriptResult r = run(tail, head);
  EXPECT_EQ(r.outcome, ScriptOutcome::Invalid) << r.report();
  EXPECT_NE(r.message.find(message), std::string::npos) << r.message;
}

TEST(ScriptSyscalls, Sendfile_SendsTheFilesBytesUpToItsEnd) {
  // A file no command made is as long as reading needs.
  expect_pass(R"(
+0    open("/tmp/anything", O_RDONLY) = 5
+0    sendfile(4, 5, [123456], 500) = 500
+0    > P. 1:501(500) ack 1
)");
  // truncate -s 1K: 1024 bytes; reading from 1000 leaves 24.
  expect_pass(R"(
+0    open("/tmp/f", O_RDONLY) = 5
+0    sendfile(4, 5, [1000], 500) = 24
+0    > P. 1:25(24) ack 1
)",
              "`truncate -s 1K /tmp/f`\n");
  // The output of the script's own command, even after the first socket call.
  ScriptResult r = run(R"(
+0    `fallocate -l 10 /tmp/g`
+0    open("/tmp/g", O_RDONLY) = 5
+0    sendfile(4, 5, [0], 500) = 10
+0    > P. 1:11(10) ack 1
)");
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_TRUE(r.notes.empty()) << r.report();
}

TEST(ScriptSyscalls, OpenAndSendfile_BadArgumentsAreErrors) {
  expect_invalid("+0    open(5, O_RDONLY) = 5\n", "open(\"path\", flags) = N");
  expect_invalid("+0    open(\"/tmp/f\", O_RDONLY) = 4\n", "fd 4 is already open");
  expect_invalid("+0    open(\"/tmp/f\", O_RDONLY) = 5\n+0    sendfile(4, 5, 0, 10) = 10\n",
                 "the offset in brackets");
  expect_invalid("+0    open(\"/tmp/f\", O_RDONLY) = 5\n+0    sendfile(4, 5, [0], -1) = 10\n",
                 "sendfile(socket_fd, file_fd, [offset], bytes)");
}

TEST(ScriptSyscalls, RecvPeek_LeavesTheDataQueued) {
  expect_pass(R"(
+0    ioctl(4, FIONREAD, [0]) = 0
+0    < P. 1:1001(1000) ack 1 win 65535
+0    recv(4, ..., 500, MSG_PEEK) = 500
+0    recvfrom(4, ..., 2000, MSG_PEEK, ..., ...) = 1000
+0    ioctl(4, SIOCINQ, [1000]) = 0
+0    read(4, ..., 2000) = 1000
+0    ioctl(4, FIONREAD, [0]) = 0
+0    recv(4, ..., 100, MSG_PEEK|MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)
)");
  ScriptResult r =
      run("+0    < P. 1:1001(1000) ack 1 win 65535\n+0    ioctl(4, FIONREAD, [999]) = 0\n");
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_NE(r.message.find("bad ioctl FIONREAD value: expected 999 but got 1000"),
            std::string::npos)
      << r.message;
}

TEST(ScriptSyscalls, DontWait_MakesOneCallNonBlocking) {
  expect_pass("+0    recv(4, ..., 100, MSG_DONTWAIT) = -1 EAGAIN\n");
}

TEST(ScriptSyscalls, WaitAll_ReturnsOnlyWithEveryByte) {
  expect_pass(R"(
+0...0.2 recv(4, ..., 2000, MSG_WAITALL) = 2000
+.1   < . 1:1001(1000) ack 1 win 65535
+.1   < P. 1001:2001(1000) ack 1 win 65535
)");
  // Without MSG_WAITALL the read returns with the first segment.
  expect_pass(R"(
+0...0.1 recv(4, ..., 2000, 0) = 1000
+.1   < . 1:1001(1000) ack 1 win 65535
)");
  // The end of the stream ends the wait with what came.
  expect_pass(R"(
+0...0.2 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 2000}], msg_flags=0}, MSG_WAITALL) = 1000
+.1   < . 1:1001(1000) ack 1 win 65535
+.1   < F. 1001:1001(0) ack 1 win 65535
)");
}

TEST(ScriptSyscalls, VectorAndMessageCalls_MoveTheSumOfTheirBuffers) {
  expect_pass(R"(
+0    sendmsg(4, {msg_name(...)=..., msg_iov(2)=[{..., 300}, {iov_base=..., iov_len=200}], msg_flags=0}, 0) = 500
+0    > P. 1:501(500) ack 1
+0    writev(4, [{..., 100}, {..., 150}], 2) = 250
+0    sendto(4, ..., 50, MSG_NOSIGNAL, ..., ...) = 50
+.1   < . 1:1(0) ack 501 win 65535
+0    > P. 501:801(300) ack 1
+0    < P. 1:701(700) ack 801 win 65535
+0    readv(4, [{..., 200}, {..., 300}], 2) = 500
+0    recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}, 0) = 200
)");
}

TEST(ScriptSyscalls, Poll_ReportsTheSocketsReadiness) {
  expect_pass(R"(
+0    poll([{fd=3, events=POLLIN, revents=0}, {fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 2, 0) = 1
+0    < P. 1:101(100) ack 1 win 65535
+0    poll([{fd=4, events=POLLIN|POLLOUT|POLLRDHUP, revents=POLLIN|POLLOUT}], 1, 0) = 1
+0    read(4, ..., 100) = 100
+0    poll([{fd=4, events=POLLIN, revents=0}], 1, 0) = 0
+0...0.05 poll([{fd=4, events=POLLIN, revents=0}], 1, 50) = 0
+.05...0.15 poll([{fd=4, events=POLLIN}], 1, 1000) = 1
+.1   < F. 101:101(0) ack 1 win 65535
+0    poll([{fd=4, events=POLLIN|POLLRDHUP, revents=POLLIN|POLLRDHUP}], 1, 0) = 1
+0    poll([{fd=9, events=POLLIN, revents=POLLNVAL}], 1, 0) = 1
)");
  ScriptResult r = run("+0    poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 0) = 1\n");
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_NE(r.message.find("bad poll revents for fd 4: expected POLLIN but got 0"),
            std::string::npos)
      << r.message;
}

TEST(ScriptSyscalls, PollOnAListener_ReportsAConnectionToAccept) {
  ScriptResult r = run_script_text(R"(
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    poll([{fd=3, events=POLLIN, revents=0}], 1, 0) = 0
+0    < S 0:0(0) win 65535 <mss 1000>
+0    > S. 0:0(0) ack 1 <mss 1460>
+.1   < . 1:1(0) ack 1 win 65535
+0    poll([{fd=3, events=POLLIN, revents=POLLIN}], 1, 0) = 1
)");
  EXPECT_TRUE(r.passed()) << r.report();
}

TEST(ScriptSyscalls, TcpInfo_ComparesEveryFieldWritten) {
  expect_pass(R"(
+0    getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCP_ESTABLISHED, tcpi_snd_mss=1000, tcpi_unacked=0}, [104]) = 0
+0    getsockopt(3, IPPROTO_TCP, TCP_INFO, {tcpi_state=TCPI_LISTEN}, [104]) = 0
)");
  ScriptResult r =
      run("+0    getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCPI_CLOSED}, [104]) = 0\n");
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_NE(r.message.find("expected tcpi_state=TCPI_CLOSED but got tcpi_state=1"),
            std::string::npos)
      << r.message;
  expect_invalid("+0 getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_nope=1}, [104]) = 0\n",
                 "unknown field tcpi_nope=1");
}

TEST(ScriptSyscalls, Flags_OutsideTheCallsSetAreErrorsNamingThem) {
  expect_invalid("+0 send(4, ..., 10, MSG_FASTOPEN) = 10\n",
                 "s.pkt:9: TCP Fast Open is not modelled by tcpsim (MSG_FASTOPEN)");
  expect_invalid("+0 send(4, ..., 10, MSG_ZEROCOPY) = 10\n",
                 "zero-copy is not modelled by tcpsim (MSG_ZEROCOPY)");
  expect_invalid("+0 recv(4, ..., 10, MSG_EOR) = 10\n",
                 "unsupported recv() flags MSG_EOR (allowed: MSG_PEEK|MSG_TRUNC|MSG_DONTWAIT|"
                 "MSG_WAITALL)");
  expect_invalid("+0 recv(4, ..., 10, MSG_TRUNC) = 10\n",
                 "unsupported recv() flags MSG_TRUNC (allowed: MSG_PEEK|MSG_DONTWAIT|MSG_WAITALL)",
                 "--tcpsim_profile=freebsd\n");
  expect_invalid("+0 send(4, ..., 10, MSG_MORE) = 10\n", "MSG_MORE does not exist on FreeBSD",
                 "--tcpsim_profile=freebsd\n");
  expect_invalid("+0 ioctl(4, FIONBIO, [1]) = 0\n", "unsupported ioctl request FIONBIO");
  expect_invalid("+0 sendmsg(4, {msg_name(...)=..., msg_flags=0}, 0) = 1\n",
                 "msg_iov(N)=[{..., LEN}, ...] is missing");
}

TEST(ScriptSyscalls, SendFlagsBothKernelsHave_AreAccepted) {
  expect_pass(R"(
+0    send(4, ..., 100, MSG_EOR|MSG_DONTWAIT) = 100
+0    > P. 1:101(100) ack 1
)");
}

}  // namespace
}  // namespace tcpsim::sim::script
