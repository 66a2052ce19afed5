// The other side of the State interoperability test: libmesos's own C++
// State over ZooKeeperStorage, the class Java's ZooKeeperState wraps.
//
//   state_interop SERVERS ZNODE get NAME        the value on stdout
//   state_interop SERVERS ZNODE put NAME VALUE
//
// Exit status 0 on success, 1 on a failure or no answer within 30 s.
#include <iostream>
#include <string>

#include <mesos/state/state.hpp>
#include <mesos/state/zookeeper.hpp>

#include <process/future.hpp>

#include <stout/duration.hpp>
#include <stout/option.hpp>

namespace {

// Waits for `future`; false (with the reason on stderr) unless it is ready.
template <typename T>
bool settled(const process::Future<T>& future, const std::string& what) {
  if (!future.await(Seconds(30))) {
    std::cerr << what << ": no answer within 30 s" << std::endl;
    return false;
  }
  if (!future.isReady()) {
    std::cerr << what << ": "
              << (future.isFailed() ? future.failure() : "discarded")
              << std::endl;
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: state_interop SERVERS ZNODE (get NAME | put NAME VALUE)"
              << std::endl;
    return 2;
  }
  const std::string command = argv[3];
  const std::string name = argv[4];
  mesos::state::ZooKeeperStorage storage(argv[1], Seconds(10), argv[2]);
  mesos::state::State state(&storage);

  process::Future<mesos::state::Variable> fetched = state.fetch(name);
  if (!settled(fetched, "fetch")) {
    return 1;
  }
  if (command == "get") {
    std::cout << fetched.get().value();
    return 0;
  }
  if (command == "put" && argc == 6) {
    process::Future<Option<mesos::state::Variable>> stored =
        state.store(fetched.get().mutate(argv[5]));
    if (!settled(stored, "store")) {
      return 1;
    }
    if (stored.get().isNone()) {
      std::cerr << "store: the version was stale" << std::endl;
      return 1;
    }
    return 0;
  }
  std::cerr << "unknown command " << command << std::endl;
  return 2;
}
