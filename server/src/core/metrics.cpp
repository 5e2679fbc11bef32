#include "core/metrics.hpp"

namespace pacte {

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& help) const {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{le=\"" + std::to_string(kBounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += buckets_[kBounds.size()].load(std::memory_order_relaxed);
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += name + "_sum " + std::to_string(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
  out += name + "_count " + std::to_string(count_.load()) + "\n";
}

std::string Metrics::render() const {
  std::string out;
  auto gauge = [&](const char* name, const char* help, auto value, const char* type) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  gauge("pacte_connections", "Open WebSocket connections.", connections.load(), "gauge");
  gauge("pacte_connections_total", "WebSocket connections accepted.", connections_total.load(), "counter");
  gauge("pacte_frames_received_total", "WebSocket frames received.", frames_in.load(), "counter");
  gauge("pacte_frames_sent_total", "WebSocket frames sent.", frames_out.load(), "counter");
  gauge("pacte_requests_total", "Requests handled (WebSocket and HTTP API).", requests_total.load(), "counter");
  gauge("pacte_request_errors_total", "Requests answered with an error.", request_errors.load(), "counter");
  gauge("pacte_events_total", "Events committed.", events_total.load(), "counter");
  gauge("pacte_http_requests_total", "HTTP requests.", http_requests.load(), "counter");
  gauge("pacte_commits_total", "Group commits.", commits.load(), "counter");
  gauge("pacte_commit_failures_total", "Group commits that failed.", commit_failures.load(), "counter");
  gauge("pacte_slow_consumers_closed_total", "Connections closed for not reading.", slow_consumers_closed.load(), "counter");
  gauge("pacte_engine_queue", "Requests waiting for the engine.", engine_queue.load(), "gauge");
  request_latency.render(out, "pacte_request_seconds", "Request handling latency, queue to reply.");
  commit_latency.render(out, "pacte_commit_seconds", "Store commit latency.");
  return out;
}

}  // namespace pacte
