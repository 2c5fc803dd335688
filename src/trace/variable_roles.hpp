// What a shared variable is for (its role) and what its values mean, kept
// apart: the role decides how analysis treats it (a guard decides entry to the
// critical section, a counter loses updates, a record tears), the meanings are
// the words people read ("1 (free)"). A scenario may declare both; where it
// declares no meanings, its role's defaults apply. A new role is one row.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

enum class VariableRole : std::uint8_t {
    Flag,    ///< a guard set and cleared with plain accesses (the naive flag): by default 1 = free
    Lock,    ///< a guard taken with an atomic read-modify-write: by default 0 = free, anything else = held
    Counter, ///< incremented by read-modify-write: lost updates are looked for here
    Record,  ///< several words written one by one with the writer's signature: torn records are looked for here
    Word,    ///< any other shared word (Peterson's `turn`, a ticket)
    Mailbox, ///< several words one process writes a message into and another reads it from (put / get)
    /// A process-shared POSIX semaphore (sem_wait / sem_post). Its word mirrors
    /// the permits left, written by the worker that changed them: 1 = free.
    Semaphore,
    /// A process-shared, robust pthread mutex (mutex_lock / mutex_unlock). Its
    /// word mirrors the owner's signature: 0 = free.
    Mutex,
};

struct VariableRoleInfo {
    VariableRole role;
    std::string_view name;                   ///< in scenario and trace files: "flag"
    bool guard;                              ///< its reads decide who may enter the critical section
    bool countsUpdates;                      ///< a counter: each write should build on the last
    bool signedWords;                        ///< a record: each word carries its writer's signature
    bool manyWords;                          ///< may have more than one word
    std::optional<std::int64_t> defaultFree; ///< guards: the value that lets a worker in
    std::string_view freeWords;              ///< default words for the free value
    std::string_view otherWords;             ///< default words for any other value
    std::string_view ownerPattern;           ///< appended to a non-free value's words, naming its last writer
    bool kernelLock = false;                 ///< a semaphore or a mutex: the kernel object beside its word
};

// clang-format off
inline constexpr std::array<VariableRoleInfo, 8> kVariableRoles = {{
    {VariableRole::Flag,    "flag",    true,  false, false, true,  1, "free", "in use", " (set by {who})"},
    {VariableRole::Lock,    "lock",    true,  false, false, false, 0, "free", "held",   " by {who}"},
    {VariableRole::Counter, "counter", false, true,  false, false, std::nullopt, "", "", ""},
    {VariableRole::Record,  "record",  false, false, true,  true,  std::nullopt, "", "", ""},
    {VariableRole::Word,    "word",    false, false, false, true,  std::nullopt, "", "", ""},
    {VariableRole::Mailbox, "mailbox", false, false, false, true,  std::nullopt, "", "", ""},
    {VariableRole::Semaphore, "semaphore", false, false, false, false, 1, "free", "taken", " by {who}", true},
    {VariableRole::Mutex,   "mutex",   false, false, false, false, 0, "free", "held",   " by {who}", true},
}};
// clang-format on

const VariableRoleInfo& variableRoleInfo(VariableRole role);
std::string_view variableRoleName(VariableRole role);
std::optional<VariableRole> variableRoleFromName(std::string_view name);
/// "flag, lock, counter, record or word", for messages.
std::string variableRoleList();

/// Words for one value of a variable: `1 = "free"`.
struct ValueWords {
    std::int64_t value = 0;
    std::string words;
};

/// What a variable's values mean. Scenarios may declare any of it; the rest
/// comes from the role (see withRoleDefaults).
struct ValueMeanings {
    std::optional<std::int64_t> free; ///< the value that lets a worker in (guards)
    std::vector<ValueWords> words;    ///< words for particular values
    std::string otherWords;           ///< words for every other value; empty: none

    /// The words for `value`, or "" when it has none.
    std::string_view of(std::int64_t value) const;
    bool isFree(std::int64_t value) const { return free && *free == value; }
};

/// `declared` completed from `role`: a guard without a declared free value
/// gets its role's; a variable without declared words gets "free" for the free
/// value and the role's words for the others.
ValueMeanings withRoleDefaults(VariableRole role, ValueMeanings declared);

} // namespace racetrace
