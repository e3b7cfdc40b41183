#pragma once
// A small metrics registry any module can add to: counters and gauges with
// labels, fixed-bucket histograms, and collect hooks that set gauges when the
// metrics are read. render() writes the Prometheus text exposition format
// (version 0.0.4) that GET /metrics serves (docs/api.md lists the names).
//
// Contract, for every module that registers:
// - Names are rcvault_<module>_<what>[_total|_seconds|_bytes]; they match
//   [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
//   (std::invalid_argument otherwise). Label values are any text (escaped on output).
// - Registering a name again with the same kind, help and label names returns
//   the family already registered (so two owners may share it); with anything
//   different it throws std::logic_error. Families live as long as the
//   registry: keep the reference, not the name.
// - Every method is thread-safe. Updating a sample locks only its family.
// - A labelled family shows only the samples updated so far; an unlabelled
//   counter or gauge shows 0 until it is updated.
// - Collect hooks run at the start of every render(), on the rendering thread,
//   outside the registry's locks: they may set gauges, must not register
//   families, and should be quick (they delay the scrape).
// - Families render in registration order, samples in label-value order.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::metrics {

// The values of one sample's labels, in the order of its family's label names.
using label_values = std::vector<std::string>;

class family;

// A monotonic count per label set (a Prometheus counter).
class counter_family {
 public:
  // Adds `n` to the sample with `values` (created at 0). Throws
  // std::invalid_argument when the number of values is not the number of label names.
  void add(std::initializer_list<std::string_view> values, std::uint64_t n = 1);
  // Adds `n` to the unlabelled sample (a family without label names).
  void add(std::uint64_t n = 1) { add({}, n); }
  // The sample's value; 0 when it was never updated.
  std::uint64_t value(std::initializer_list<std::string_view> values = {}) const;

 private:
  friend class registry;
  explicit counter_family(family& f) : family_(&f) {}
  family* family_;
};

// A value that goes up and down per label set (a Prometheus gauge).
class gauge_family {
 public:
  // Sets the sample with `values` to `v`. Throws std::invalid_argument like counter_family::add.
  void set(std::initializer_list<std::string_view> values, double v);
  // Sets the unlabelled sample.
  void set(double v) { set({}, v); }
  // Adds `delta` (may be negative) to the sample with `values` (created at 0).
  void add(std::initializer_list<std::string_view> values, double delta);
  // Drops every labelled sample (a label set that no longer exists stops being shown).
  void clear();
  // The sample's value; 0 when it was never set.
  double value(std::initializer_list<std::string_view> values = {}) const;

 private:
  friend class registry;
  explicit gauge_family(family& f) : family_(&f) {}
  family* family_;
};

// Observations counted into fixed buckets, with their sum and count (a
// Prometheus histogram; no labels).
class histogram_family {
 public:
  // Counts `v` into the first bucket whose upper bound is >= v (+Inf otherwise).
  void observe(double v);
  // The number of observations so far.
  std::uint64_t count() const;

 private:
  friend class registry;
  explicit histogram_family(family& f) : family_(&f) {}
  family* family_;
};

class registry {
 public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // Registers (or finds, see the contract above) a counter family.
  counter_family& counter(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});
  // Registers (or finds) a gauge family.
  gauge_family& gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});
  // Registers (or finds) a histogram; `upper_bounds` ascending, +Inf implied.
  // Throws std::invalid_argument when they are not ascending.
  histogram_family& histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds);

  // Adds a hook run at the start of every render() (see the contract above).
  void on_collect(std::function<void()> hook);

  // Returns the exposition text of every family.
  std::string render() const;

 private:
  struct entry;
  entry& find_or_add(std::string_view name, std::string_view help, int kind, std::vector<std::string> label_names,
                      std::vector<double> upper_bounds);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<entry>> entries_;  // registration order; never shrinks
  std::vector<std::function<void()>> hooks_;
};

}  // namespace rcvault::metrics
