// Fuzz target: the signatures plugin's evidence-bundle verifier
// (plugins/signatures/evidence_verifier.hpp), what `pacte verify` runs on a file someone
// hands over. Input: the bundle's JSON text. Promise checked: any JSON gets a report
// (never an exception, never a crash), and a bundle that is not intact gets a problem.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "signatures/evidence_verifier.hpp"

using pacte_fuzz::check;
using pacte_signatures::EvidenceVerifier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto bundle = nlohmann::json::parse(data, data + size, nullptr, false);
  if (bundle.is_discarded()) return 0;
  // Without a key (the plugin's self-check) and with one (what people type from paper).
  auto report = EvidenceVerifier::verify(bundle, "");
  auto keyed = EvidenceVerifier::verify(bundle, "3f2a 9c1b 0000 ffff");
  check(report.ok() || !keyed.ok(), "a key check made a broken bundle pass");
  pacte_signatures::VerifyReport chain;
  EvidenceVerifier::check_chain(
      bundle.is_object() ? bundle.value("trail", nlohmann::json()) : bundle, chain);
  return 0;
}
