// Typed reading of untrusted JSON for the .rtrace metadata (trace/rtrace_metadata.cpp):
// each field read is type-checked, and the first problem names the field by its
// full path ("field \"scenario.variables[2].words\" should be a whole number but
// is a string"). Internal to the trace layer.
#pragma once

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace::json_fields {

// ordered_json keeps keys in the order we write them, so a person reading the
// metadata sees "name" before "source" instead of an alphabetical jumble.
using Json = nlohmann::ordered_json;

inline std::string joinField(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

inline std::string indexField(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

/// A value from the file quoted in an error, cut short so a hostile file cannot flood the message.
inline std::string clippedQuote(std::string_view text) {
    constexpr std::size_t kMaxShown = 40;
    if (text.size() <= kMaxShown) return "\"" + std::string(text) + "\"";
    return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
}

/// "a string", "an array", "-3": what a JSON value is, for "should be X but is Y".
inline std::string describe(const Json& value) {
    if (value.is_number()) return value.dump();
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_array()) return "an array";
    if (value.is_object()) return "an object";
    return "null";
}

/// Reads typed fields out of untrusted JSON. The first problem sticks: later
/// reads do nothing, so decoders read field after field and check once at the
/// end, and the error always names the first bad field by its full path.
class FieldReader {
  public:
    bool ok() const { return m_error.empty(); }
    std::string error() const { return m_error; }

    void fail(std::string problem) {
        if (ok()) m_error = std::move(problem);
    }
    void failField(const std::string& field, const std::string& problem) { fail("field \"" + field + "\" " + problem); }

    /// `value` itself as an object, or nullptr (and an error) when it is something else.
    const Json* asObject(const Json& value, const std::string& field) {
        if (!ok()) return nullptr;
        if (value.is_object()) return &value;
        failField(field, "should be an object but is " + describe(value));
        return nullptr;
    }

    /// True when the object has `key` (for fields later writers added).
    bool has(const Json& object, std::string_view key) const {
        return ok() && object.is_object() && object.contains(std::string(key));
    }

    /// The member `key` of an object, or nullptr (and an error) when it is missing.
    const Json* member(const Json& object, std::string_view key, const std::string& field) {
        if (!ok()) return nullptr;
        const auto found = object.find(std::string(key));
        if (found != object.end()) return &*found;
        failField(field, "is missing");
        return nullptr;
    }

    const Json* object(const Json& parent, std::string_view key, const std::string& path) {
        const std::string field = joinField(path, key);
        const Json* value = member(parent, key, field);
        return value ? asObject(*value, field) : nullptr;
    }

    template <class T> void read(const Json& parent, std::string_view key, const std::string& path, T& out) {
        const std::string field = joinField(path, key);
        if (const Json* value = member(parent, key, field)) convert(*value, field, out);
    }

    /// Reads a name and maps it to an enum value with `fromName`; `what` names the enum for people.
    template <class E, class FromName>
    void readName(const Json& parent, std::string_view key, const std::string& path, E& out, FromName fromName,
                  std::string_view what) {
        std::string name;
        read(parent, key, path, name);
        if (!ok()) return;
        if (const auto value = fromName(name))
            out = *value;
        else
            failField(joinField(path, key), "is " + clippedQuote(name) + ", which is not a known " + std::string(what));
    }

    /// Reads the array `key`, calling `readOne(element, elementPath, newItem)` for each element.
    template <class T, class ReadOne>
    void readList(const Json& parent, std::string_view key, const std::string& path, std::vector<T>& out,
                  ReadOne readOne) {
        const std::string field = joinField(path, key);
        const Json* value = member(parent, key, field);
        if (!value) return;
        if (!value->is_array()) return failField(field, "should be an array but is " + describe(*value));
        out.clear();
        out.reserve(value->size()); // the real element count, already parsed: not a claim
        for (std::size_t i = 0; i < value->size() && ok(); ++i)
            readOne((*value)[i], indexField(field, i), out.emplace_back());
    }

    void convert(const Json& value, const std::string& field, std::string& out) {
        if (!ok()) return;
        if (value.is_string())
            out = value.get<std::string>();
        else
            failField(field, "should be a string but is " + describe(value));
    }

    void convert(const Json& value, const std::string& field, bool& out) {
        if (!ok()) return;
        if (value.is_boolean())
            out = value.get<bool>();
        else
            failField(field, "should be true or false but is " + describe(value));
    }

    void convert(const Json& value, const std::string& field, double& out) {
        if (!ok()) return;
        if (value.is_number())
            out = value.get<double>();
        else
            failField(field, "should be a number but is " + describe(value));
    }

    template <std::integral T>
    requires(!std::same_as<T, bool>) void convert(const Json& value, const std::string& field, T& out) {
        if (!ok()) return;
        using Limits = std::numeric_limits<T>;
        // nlohmann parses every non-negative integer as unsigned, so test that first.
        if (value.is_number_unsigned()) {
            const auto number = value.get<std::uint64_t>();
            if (number <= static_cast<std::uint64_t>(Limits::max())) {
                out = static_cast<T>(number);
                return;
            }
        } else if (value.is_number_integer()) { // negative
            if constexpr (std::signed_integral<T>) {
                const auto number = value.get<std::int64_t>();
                if (number >= static_cast<std::int64_t>(Limits::min())) {
                    out = static_cast<T>(number);
                    return;
                }
            }
        } else {
            return failField(field, "should be a whole number but is " + describe(value));
        }
        failField(field, "is " + value.dump() + ", outside the range " + std::to_string(Limits::min()) + " to " +
                             std::to_string(Limits::max()));
    }

  private:
    std::string m_error;
};

} // namespace racetrace::json_fields
