// Administration of people and organisations, invitations, and the GDPR rights (export of
// one's data, erasure by an admin).
#pragma once

#include "core/accounts.hpp"
#include "core/notifications.hpp"

namespace pacte {

class Admin {
 public:
  /// `notifications` emails invitation links (null: links are only returned).
  Admin(Accounts& accounts, Notifications* notifications) : accounts_(accounts), notifications_(notifications) {}
  void register_operations(Dispatcher& dispatcher);

  /// Everything stored about a person, as JSON (engine thread).
  static Json export_person(Context& ctx, std::int64_t person);
  /// Pseudonymises a person: account removed, their messages kept under a neutral name.
  static void erase_person(EngineContext& ctx, std::int64_t person, std::int64_t actor, const std::string& address);

 private:
  Accounts& accounts_;
  Notifications* notifications_;
};

}  // namespace pacte
