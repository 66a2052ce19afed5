// libmesos's ZooKeeper leader election, the one its masters use: a
// zookeeper::Group, the LeaderContenders that join it and the
// LeaderDetectors that report who leads. The shim forwards; what an
// instance does when it leads, or stops leading, is the caller's.
#if MESOS_SHIM_STATE

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mesos/zookeeper/contender.hpp>
#include <mesos/zookeeper/detector.hpp>
#include <mesos/zookeeper/group.hpp>

#include <process/future.hpp>

#include <stout/duration.hpp>
#include <stout/nothing.hpp>
#include <stout/option.hpp>

#include "future_forwarding.hpp"
#include "mesos_shim.h"
#include "shim_common.hpp"
#include "state_log_common.hpp"

using mesos_shim::BadArgument;
using mesos_shim::guard;
using mesos_shim::NullArgument;
using process::Future;
using zookeeper::Group;

struct mesos_shim_group {
  std::unique_ptr<Group> group;
};

struct mesos_shim_contender {
  std::unique_ptr<zookeeper::LeaderContender> contender;
  // The first contend()'s answer, which watch() unwraps.
  std::mutex mutex;
  Option<Future<Future<Nothing>>> candidacy;
};

// The leader a detector last reported, which libmesos's detect() takes
// back so that it answers only on a change. Shared with the continuation
// that records it, which runs when the detection settles.
struct Reported {
  std::mutex mutex;
  Option<Group::Membership> leader;
};

struct mesos_shim_detector {
  // Borrowed: the caller frees the group after the detector.
  Group *group;
  std::unique_ptr<zookeeper::LeaderDetector> detector;
  std::shared_ptr<Reported> reported;
};

namespace {

template <typename Handle> Handle &live(Handle *handle, const char *what) {
  if (handle == nullptr) {
    throw NullArgument(std::string(what) + " handle is NULL");
  }
  return *handle;
}

Group &group_of(mesos_shim_group *handle) {
  return *live(handle, "group").group;
}

template <typename Handle, typename Make>
Handle *make(Make make_handle) {
  Handle *created = nullptr;
  guard([&] {
    created = make_handle();
    return 0;
  });
  return created;
}

// libmesos CHECKs that a group's znode does not end in '/'.
void require_znode(const mesos_shim_buf &znode) {
  mesos_shim::require_data(znode, "znode");
  std::string path = mesos_shim::to_string(znode);
  if (path.size() < 2 || path.front() != '/' || path.back() == '/') {
    throw BadArgument("znode '" + path +
                      "' is not an absolute path below the root without a "
                      "trailing '/'");
  }
}

// A label names the member's znode, "<label>_<sequence>": libmesos reads
// the sequence back after the last '_', and a '/' would name another node.
Option<std::string> label_of(const mesos_shim_buf *label) {
  if (label == nullptr) {
    return None();
  }
  mesos_shim::require_data(*label, "label");
  std::string text = mesos_shim::to_string(*label);
  if (text.empty() || text.find_first_of("/_") != std::string::npos) {
    throw BadArgument("label '" + text +
                      "' is empty or holds '/' or '_'");
  }
  return text;
}

std::vector<std::string> no_values(const Nothing &) { return {}; }

std::vector<std::string> data_or_none(const Option<std::string> &data) {
  if (data.isNone()) {
    return {};
  }
  return {data.get()};
}

} // namespace

extern "C" {

mesos_shim_group *mesos_shim_group_new(mesos_shim_buf servers,
                                       int64_t timeout_ns, mesos_shim_buf znode,
                                       const mesos_shim_buf *digest) {
  return make<mesos_shim_group>([&] {
    mesos_shim::require_data(servers, "servers");
    if (servers.len == 0) {
      throw BadArgument("servers is empty: expected host:port[,host:port...]");
    }
    require_znode(znode);
    Duration timeout =
        Nanoseconds(mesos_shim::require_timeout(timeout_ns, "timeout"));
    return new mesos_shim_group{std::unique_ptr<Group>(
        new Group(mesos_shim::to_string(servers), timeout,
                  mesos_shim::to_string(znode), mesos_shim::digest_of(digest)))};
  });
}

void mesos_shim_group_free(mesos_shim_group *group) {
  guard([&] {
    delete group;
    return 0;
  });
}

mesos_shim_contender *mesos_shim_contender_new(mesos_shim_group *group,
                                               mesos_shim_buf data,
                                               const mesos_shim_buf *label) {
  return make<mesos_shim_contender>([&] {
    Group &members = group_of(group);
    mesos_shim::require_data(data, "data");
    auto *created = new mesos_shim_contender;
    created->contender.reset(new zookeeper::LeaderContender(
        &members, mesos_shim::to_string(data), label_of(label)));
    return created;
  });
}

void mesos_shim_contender_free(mesos_shim_contender *contender) {
  guard([&] {
    delete contender;
    return 0;
  });
}

int32_t mesos_shim_contender_contend(mesos_shim_contender *handle,
                                     mesos_shim_future_callback done,
                                     void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim_contender &contender = live(handle, "contender");
    // A second contend() is libmesos's to refuse, with a failed future.
    Future<Future<Nothing>> candidacy = contender.contender->contend();
    {
      std::lock_guard<std::mutex> lock(contender.mutex);
      if (contender.candidacy.isNone()) {
        contender.candidacy = candidacy;
      }
    }
    return mesos_shim::forward(
        candidacy, done, context,
        [](const Future<Nothing> &) { return std::vector<std::string>{}; });
  });
}

int32_t mesos_shim_contender_watch(mesos_shim_contender *handle,
                                   mesos_shim_future_callback done,
                                   void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim_contender &contender = live(handle, "contender");
    Option<Future<Future<Nothing>>> candidacy;
    {
      std::lock_guard<std::mutex> lock(contender.mutex);
      candidacy = contender.candidacy;
    }
    if (candidacy.isNone()) {
      throw BadArgument("watch before contend: nothing to watch yet");
    }
    // The inner future, once the outer one gives it; a failed candidacy
    // fails this too.
    Future<Nothing> ended = candidacy->then(
        [](const Future<Nothing> &membership) { return membership; });
    return mesos_shim::forward(ended, done, context, no_values);
  });
}

int32_t mesos_shim_contender_withdraw(mesos_shim_contender *handle,
                                      mesos_shim_future_callback done,
                                      void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(
        live(handle, "contender").contender->withdraw(), done, context,
        mesos_shim::one_flag);
  });
}

mesos_shim_detector *mesos_shim_detector_new(mesos_shim_group *group) {
  return make<mesos_shim_detector>([&] {
    Group &members = group_of(group);
    auto *created = new mesos_shim_detector;
    created->group = &members;
    created->detector.reset(new zookeeper::LeaderDetector(&members));
    created->reported = std::make_shared<Reported>();
    return created;
  });
}

void mesos_shim_detector_free(mesos_shim_detector *detector) {
  guard([&] {
    delete detector;
    return 0;
  });
}

int32_t mesos_shim_detector_detect(mesos_shim_detector *handle,
                                   mesos_shim_future_callback done,
                                   void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim_detector &detector = live(handle, "detector");
    std::shared_ptr<Reported> reported = detector.reported;
    Option<Group::Membership> previous;
    {
      std::lock_guard<std::mutex> lock(reported->mutex);
      previous = reported->leader;
    }
    // The continuation runs on the detector's process (or here, when the
    // answer is already known), so it is done before freeing the
    // detector returns, and the group, freed after it, is still there.
    Group *group = detector.group;
    Future<Option<std::string>> leader_data =
        detector.detector->detect(previous).then(
            [reported, group](const Option<Group::Membership> &leader)
                -> Future<Option<std::string>> {
              {
                std::lock_guard<std::mutex> lock(reported->mutex);
                reported->leader = leader;
              }
              if (leader.isNone()) {
                return Option<std::string>::none();
              }
              return group->data(leader.get());
            });
    return mesos_shim::forward(leader_data, done, context, data_or_none);
  });
}

} // extern "C"

#endif // MESOS_SHIM_STATE
