#include "rcvault/metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <stdexcept>

namespace rcvault::metrics {

namespace {

enum kind : int { counter_kind, gauge_kind, histogram_kind };

constexpr std::string_view kind_name(int k) {
  return k == counter_kind ? "counter" : k == gauge_kind ? "gauge" : "histogram";
}

bool valid_name(std::string_view s, bool colon) {
  auto head = [&](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':'); };
  auto tail = [&](char c) { return head(c) || (c >= '0' && c <= '9'); };
  return !s.empty() && head(s.front()) && std::all_of(s.begin() + 1, s.end(), tail);
}

// Label values may hold any text; the exposition format escapes \ " and newline.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// HELP text escapes \ and newline only.
std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

// One family's samples, behind its own lock so updates of different families never contend.
class family {
 public:
  family(std::string name, std::string help, int k, std::vector<std::string> labels, std::vector<double> bounds)
      : name_(std::move(name)), help_(std::move(help)), kind_(k), labels_(std::move(labels)),
        bounds_(std::move(bounds)), buckets_(bounds_.size(), 0) {
    if (labels_.empty() && kind_ != histogram_kind) samples_.emplace(label_values{}, sample{});
  }

  struct sample {
    std::uint64_t count = 0;  // counters
    double value = 0;         // gauges
  };

  label_values key(std::initializer_list<std::string_view> values) const {
    if (values.size() != labels_.size())
      throw std::invalid_argument("metric " + name_ + ": " + std::to_string(values.size()) + " label values for " +
                                  std::to_string(labels_.size()) + " labels");
    return label_values(values.begin(), values.end());
  }

  void add_count(std::initializer_list<std::string_view> values, std::uint64_t n) {
    auto k = key(values);
    std::lock_guard lock(mutex_);
    samples_[std::move(k)].count += n;
  }

  void set_value(std::initializer_list<std::string_view> values, double v, bool add) {
    auto k = key(values);
    std::lock_guard lock(mutex_);
    auto& s = samples_[std::move(k)];
    s.value = add ? s.value + v : v;
  }

  template <class F>
  auto read(std::initializer_list<std::string_view> values, F f) const {
    auto k = key(values);
    std::lock_guard lock(mutex_);
    auto it = samples_.find(k);
    return f(it == samples_.end() ? sample{} : it->second);
  }

  void clear() {
    std::lock_guard lock(mutex_);
    if (!labels_.empty()) samples_.clear();
  }

  void observe(double v) {
    std::lock_guard lock(mutex_);
    const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
    if (it != bounds_.end()) ++buckets_[static_cast<std::size_t>(it - bounds_.begin())];
    ++observations_;
    sum_ += v;
  }

  std::uint64_t observations() const {
    std::lock_guard lock(mutex_);
    return observations_;
  }

  const std::string& name() const noexcept { return name_; }

  bool same_shape(std::string_view help, int k, const std::vector<std::string>& labels,
                  const std::vector<double>& bounds) const {
    return help == help_ && k == kind_ && labels == labels_ && bounds == bounds_;
  }

  void render(std::string& out) const {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "# HELP {} {}\n# TYPE {} {}\n", name_, escape_help(help_), name_, kind_name(kind_));
    std::lock_guard lock(mutex_);
    if (kind_ == histogram_kind) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < bounds_.size(); ++i) {
        cumulative += buckets_[i];
        fmt::format_to(it, "{}_bucket{{le=\"{}\"}} {}\n", name_, bounds_[i], cumulative);
      }
      fmt::format_to(it, "{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name_, observations_, name_, sum_,
                     name_, observations_);
      return;
    }
    for (const auto& [values, s] : samples_) {
      out += name_;
      if (!labels_.empty()) {
        out += '{';
        for (std::size_t i = 0; i < labels_.size(); ++i)
          fmt::format_to(it, "{}{}=\"{}\"", i ? "," : "", labels_[i], escape_label(values[i]));
        out += '}';
      }
      if (kind_ == counter_kind) fmt::format_to(it, " {}\n", s.count);
      else fmt::format_to(it, " {}\n", s.value);
    }
  }

 private:
  const std::string name_;
  const std::string help_;
  const int kind_;
  const std::vector<std::string> labels_;
  const std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<label_values, sample> samples_;
  std::vector<std::uint64_t> buckets_;  // per bucket, not cumulative
  std::uint64_t observations_ = 0;
  double sum_ = 0;
};

struct registry::entry {
  family fam;
  counter_family counter{fam};
  gauge_family gauge{fam};
  histogram_family histogram{fam};
};

void counter_family::add(std::initializer_list<std::string_view> values, std::uint64_t n) { family_->add_count(values, n); }

std::uint64_t counter_family::value(std::initializer_list<std::string_view> values) const {
  return family_->read(values, [](const family::sample& s) { return s.count; });
}

void gauge_family::set(std::initializer_list<std::string_view> values, double v) { family_->set_value(values, v, false); }

void gauge_family::add(std::initializer_list<std::string_view> values, double delta) {
  family_->set_value(values, delta, true);
}

void gauge_family::clear() { family_->clear(); }

double gauge_family::value(std::initializer_list<std::string_view> values) const {
  return family_->read(values, [](const family::sample& s) { return s.value; });
}

void histogram_family::observe(double v) { family_->observe(v); }

std::uint64_t histogram_family::count() const { return family_->observations(); }

registry::registry() = default;
registry::~registry() = default;

registry::entry& registry::find_or_add(std::string_view name, std::string_view help, int k,
                                      std::vector<std::string> labels, std::vector<double> bounds) {
  if (!valid_name(name, true)) throw std::invalid_argument("metric name '" + std::string(name) + "' is not valid");
  for (const auto& l : labels)
    if (!valid_name(l, false) || l.starts_with("__"))
      throw std::invalid_argument("metric " + std::string(name) + ": label name '" + l + "' is not valid");
  if (std::adjacent_find(bounds.begin(), bounds.end(), std::greater_equal<>()) != bounds.end())
    throw std::invalid_argument("metric " + std::string(name) + ": bucket bounds must ascend");
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (e->fam.name() != name) continue;
    if (!e->fam.same_shape(help, k, labels, bounds))
      throw std::logic_error("metric " + std::string(name) + " is already registered with another kind, help or labels");
    return *e;
  }
  entries_.push_back(std::unique_ptr<entry>(
      new entry{family(std::string(name), std::string(help), k, std::move(labels), std::move(bounds))}));
  return *entries_.back();
}

counter_family& registry::counter(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  return find_or_add(name, help, counter_kind, std::move(label_names), {}).counter;
}

gauge_family& registry::gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  return find_or_add(name, help, gauge_kind, std::move(label_names), {}).gauge;
}

histogram_family& registry::histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds) {
  return find_or_add(name, help, histogram_kind, {}, std::move(upper_bounds)).histogram;
}

void registry::on_collect(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  hooks_.push_back(std::move(hook));
}

std::string registry::render() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mutex_);
    hooks = hooks_;
  }
  for (const auto& h : hooks) h();
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) e->fam.render(out);
  return out;
}

}  // namespace rcvault::metrics
