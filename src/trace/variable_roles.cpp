#include "trace/variable_roles.hpp"

#include <algorithm>

namespace racetrace {

const VariableRoleInfo& variableRoleInfo(VariableRole role) {
    const auto index = static_cast<std::size_t>(role);
    return index < kVariableRoles.size() ? kVariableRoles[index] : kVariableRoles.back();
}

std::string_view variableRoleName(VariableRole role) {
    return variableRoleInfo(role).name;
}

std::optional<VariableRole> variableRoleFromName(std::string_view name) {
    for (const VariableRoleInfo& info : kVariableRoles)
        if (info.name == name) return info.role;
    return std::nullopt;
}

std::string variableRoleList() {
    std::string list;
    for (std::size_t k = 0; k < kVariableRoles.size(); ++k) {
        if (k > 0) list += k + 1 == kVariableRoles.size() ? " or " : ", ";
        list += kVariableRoles[k].name;
    }
    return list;
}

std::string_view ValueMeanings::of(std::int64_t value) const {
    const auto found = std::find_if(words.begin(), words.end(), [&](const ValueWords& w) { return w.value == value; });
    return found != words.end() ? std::string_view(found->words) : std::string_view(otherWords);
}

ValueMeanings withRoleDefaults(VariableRole role, ValueMeanings declared) {
    const VariableRoleInfo& info = variableRoleInfo(role);
    if (!declared.free) declared.free = info.defaultFree;
    if (declared.words.empty() && declared.otherWords.empty() && declared.free && !info.freeWords.empty()) {
        declared.words.push_back({*declared.free, std::string(info.freeWords)});
        declared.otherWords = info.otherWords;
    }
    return declared;
}

} // namespace racetrace
