#ifndef RELPATCH_POLICY_HPP
#define RELPATCH_POLICY_HPP

/// @file
/// Validation policies: types that decide, before anything is applied, which operations a patch
/// may contain.
///
/// A policy is a type providing
///
///     static constexpr bool accepts_envelope;
///         // true: the patch may also be {"comment": "...", "patch": [...]}
///     template <class Value>
///     relpatch::verdict check(const relpatch::basic_operation<Value>& op,
///                             const Value& document) const noexcept;
///         // called for each operation in order, on the document as it was before the patch
///         // (may be static)
///
/// and optionally
///
///     template <class Value>
///     relpatch::patch_verdict check_patch(const relpatch::basic_patch_view<Value>& patch,
///                                         const Value& document) const noexcept;
///         // called once after every operation passed check(), for rules across operations
///
/// Derive from relpatch::policy_base to get `accepts_envelope = false` and write only check().
/// apply_patch takes a policy as a type (`apply_patch<my_policy>(...)`, default-constructed) or
/// as an object (`apply_patch(doc, text, my_policy{tenant})`), so a policy can hold state.
/// apply_patch static_asserts the concept with a readable message, including a check_patch whose
/// signature is wrong (which would otherwise switch cross-operation rules off without a word).
/// Every location an op reads or writes is in the operation: `path`, and `from` for move and
/// copy.

#include <relpatch/error.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/small_vector.hpp>

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relpatch {

/// A policy's answer about one operation. Every member is constexpr, takes constant time and
/// never throws.
class verdict {
public:
    /// Accepts.
    constexpr verdict() noexcept = default;
    /// Accepts (the same as verdict()).
    static constexpr verdict accept() noexcept { return verdict(); }
    /// Refuses, about the operation's "path"; `why` is a static sentence for result::message().
    static constexpr verdict refuse(errc code, const char* why = nullptr) noexcept {
        return verdict(code, why, false);
    }
    /// Refuses, about the operation's "from".
    static constexpr verdict refuse_from(errc code, const char* why = nullptr) noexcept {
        return verdict(code, why, true);
    }

    /// True when the operation is accepted.
    explicit constexpr operator bool() const noexcept { return code_ == errc::success; }
    /// The errc the refusal reports (errc::success when accepted).
    constexpr errc code() const noexcept { return code_; }
    /// The refusal's static sentence (result::detail()), or nullptr.
    constexpr const char* detail() const noexcept { return detail_; }
    /// Whether the refusal is about the operation's "from" rather than its "path".
    constexpr bool at_from() const noexcept { return at_from_; }

private:
    constexpr verdict(errc code, const char* why, bool from) noexcept
        : code_(code), detail_(why), at_from_(from) {}

    errc code_ = errc::success;
    const char* detail_ = nullptr;
    bool at_from_ = false;
};

/// A policy's answer about a whole patch (check_patch): which operation, if any, is at fault.
/// Every member is constexpr, takes constant time and never throws.
class patch_verdict {
public:
    /// "No operation": the refusal is about the patch as a whole.
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// Accepts.
    constexpr patch_verdict() noexcept = default;
    /// Accepts (the same as patch_verdict()).
    static constexpr patch_verdict accept() noexcept { return patch_verdict(); }
    /// Refuses because of operation `op_index`, about its "path".
    static constexpr patch_verdict refuse(errc code, std::size_t op_index,
                                          const char* why = nullptr) noexcept {
        return patch_verdict(code, op_index, why, false);
    }
    /// Refuses because of operation `op_index`, about its "from".
    static constexpr patch_verdict refuse_from(errc code, std::size_t op_index,
                                               const char* why = nullptr) noexcept {
        return patch_verdict(code, op_index, why, true);
    }
    /// Refuses the patch as a whole.
    static constexpr patch_verdict refuse_patch(errc code, const char* why = nullptr) noexcept {
        return patch_verdict(code, npos, why, false);
    }

    /// True when the patch is accepted.
    explicit constexpr operator bool() const noexcept { return code_ == errc::success; }
    /// The errc the refusal reports (errc::success when accepted).
    constexpr errc code() const noexcept { return code_; }
    /// The refusal's static sentence (result::detail()), or nullptr.
    constexpr const char* detail() const noexcept { return detail_; }
    /// Whether the refusal is about the operation's "from" rather than its "path".
    constexpr bool at_from() const noexcept { return at_from_; }
    /// The operation at fault, or npos. apply_patch reports an index past the end of the patch
    /// as npos.
    constexpr std::size_t op_index() const noexcept { return op_index_; }

private:
    constexpr patch_verdict(errc code, std::size_t op, const char* why, bool from) noexcept
        : code_(code), op_index_(op), detail_(why), at_from_(from) {}

    errc code_ = errc::success;
    std::size_t op_index_ = npos;
    const char* detail_ = nullptr;
    bool at_from_ = false;
};

/// Defaults for the policy concept: derive from it and write check().
struct policy_base {
    /// Patches must be bare arrays of operations.
    static constexpr bool accepts_envelope = false;
};

/// Every RFC 6902 operation, anywhere in the document.
struct rfc6902_policy : policy_base {
    /// Accepts every operation. Constant time, no-throw.
    template <class Value>
    static verdict check(const basic_operation<Value>&, const Value&) noexcept {
        return verdict::accept();
    }
};

namespace detail {

// The first member of `object` named `name`, or nullptr; adds the members looked at to `work`.
template <class Value>
inline const Value* find_member_named(const Value& object, std::string_view name,
                                      std::size_t& work) noexcept {
    for (const auto& m : members(object)) {
        ++work;
        if (equals_ascii(m.name.GetString(), m.name.GetStringLength(), name)) return &m.value;
    }
    return nullptr;
}

// What the release policies found while checking an operation: the boolean the op replaces, so
// the engine need not look it up again, and the work the lookup cost. Only the built-in
// policies produce one, so the engine can trust the pointer.
template <class Value>
struct release_lookup {
    const Value* complete = nullptr;
    std::size_t work = 0;
};

template <class Value>
inline verdict release_check(const basic_operation<Value>& op, const Value& document,
                             release_lookup<Value>& found) noexcept {
    const char* const only = "only /phases/N/complete is allowed";
    if (op.op != op_type::replace)
        return verdict::refuse(errc::op_not_allowed,
                               "only \"replace\" of /phases/N/complete is allowed");
    // "phases", "phase" and "complete" contain no '~' or '/', so each can only be spelled
    // literally: comparing the raw tokens is exact.
    using view = typename basic_pointer<Value>::string_view_type;
    const view text = op.path.text();
    view tokens[3];
    std::size_t count = 0;
    for (std::size_t begin = 1, i = 1; begin <= text.size(); begin = ++i) {
        while (i < text.size() && text[i] != '/') ++i;
        if (count == 3) return verdict::refuse(errc::path_not_allowed, only);
        tokens[count++] = text.substr(begin, i - begin);
    }
    const auto is = [&](std::size_t t, std::string_view word) noexcept {
        return equals_ascii(tokens[t].data(), tokens[t].size(), word);
    };
    if (text.empty() || count != 3 || !is(2, "complete"))
        return verdict::refuse(errc::path_not_allowed, only);
    if (!is(0, "phases")) {
        if (is(0, "phase"))
            return verdict::refuse(errc::path_not_allowed,
                                   "did you mean /phases/N/complete (\"phases\", plural)?");
        return verdict::refuse(errc::path_not_allowed, only);
    }
    if (!op.value->IsBool())
        return verdict::refuse(errc::value_type_not_allowed, "\"value\" must be true or false");

    if (!document.IsObject())
        return verdict::refuse(errc::path_not_found, "the document is not an object");
    const Value* phases = find_member_named(document, "phases", found.work);
    if (phases == nullptr)
        return verdict::refuse(errc::path_not_found, "the document has no \"phases\"");
    if (!phases->IsArray())
        return verdict::refuse(errc::path_not_found, "\"phases\" is not an array");
    std::size_t index = 0;
    const errc e =
        typename basic_pointer<Value>::token(tokens[1]).to_index(phases->Size(), false, index);
    if (e != errc::success) return verdict::refuse(e, "N must name an existing phase");
    const Value& phase = (*phases)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(index)];
    if (!phase.IsObject())
        return verdict::refuse(errc::path_not_found, "the phase is not an object");
    const Value* complete = find_member_named(phase, "complete", found.work);
    if (complete == nullptr)
        return verdict::refuse(errc::path_not_found, "the phase has no \"complete\"");
    if (!complete->IsBool())
        return verdict::refuse(errc::target_type_not_allowed,
                               "the phase's \"complete\" is not a boolean");
    found.complete = complete;
    return verdict::accept();
}

// For an operation that passed release_check(): the phase index it names.
template <class Value>
inline std::size_t phase_index(const basic_operation<Value>& op) noexcept {
    auto t = op.path.begin();
    ++t;
    std::size_t index = 0;
    const errc e = (*t).to_index(static_cast<std::size_t>(-1) - 1, false, index);
    RELPATCH_ASSERT(e == errc::success);
    (void)e;
    return index;
}

}  // namespace detail

/// The release API: only `{"op":"replace","path":"/phases/N/complete","value":<bool>}` on an
/// existing phase whose "complete" is a boolean. Also accepts {"comment", "patch"} envelopes.
struct release_policy {
    /// The patch may also be `{"comment": "...", "patch": [...]}`.
    static constexpr bool accepts_envelope = true;

    /// Accepts a "replace" of /phases/N/complete with a boolean, N a canonical index of an
    /// existing phase that is an object whose "complete" is a boolean. Refuses, in this order,
    /// with op_not_allowed (another op), path_not_allowed (another path; "/phase/N/complete"
    /// gets a hint), value_type_not_allowed (a value that is not a boolean), path_not_found,
    /// invalid_index or index_out_of_range (no such phase, or no "complete"), and
    /// target_type_not_allowed (a "complete" that is not a boolean).
    /// @par Complexity
    /// Linear in the path's length plus the members of the document and of the phase.
    /// @par Exception Safety
    /// No-throw.
    template <class Value>
    static verdict check(const basic_operation<Value>& op, const Value& document) noexcept {
        detail::release_lookup<Value> found;
        return detail::release_check(op, document, found);
    }
};

/// release_policy, and phases complete in order: a phase may be marked complete only when every
/// earlier phase is complete after the patch, and incomplete only when every later one is
/// incomplete after the patch. A phase whose "complete" is missing or not a boolean counts as
/// incomplete.
struct ordered_release_policy : release_policy {
    /// Refuses with phase_order_violation, naming the first operation whose phase would be out
    /// of order.
    /// @par Complexity
    /// O(phases + ops log ops): the operations are sorted by phase once, then the phases are
    /// walked from each end until the first incomplete and the last complete one.
    /// @par Exception Safety
    /// No-throw. Past 16 operations it allocates; when memory runs out it refuses the patch
    /// with out_of_memory.
    template <class Value>
    static patch_verdict check_patch(const basic_patch_view<Value>& patch,
                                     const Value& document) noexcept {
        if (patch.empty()) return patch_verdict::accept();
        std::size_t work = 0;
        const Value* phases = detail::find_member_named(document, "phases", work);
        // check() accepted every operation, so the document has a "phases" array.
        RELPATCH_ASSERT(phases != nullptr && phases->IsArray());
        if (phases == nullptr || !phases->IsArray()) return patch_verdict::accept();
        const std::size_t count = phases->Size();

        // (phase, op) pairs sorted by phase then op: the last pair of a phase is its final write.
        struct write {
            std::size_t phase;
            std::size_t op;
        };
        detail::small_vector<write, 16> writes;
        if (!writes.reserve(patch.size())) return patch_verdict::refuse_patch(errc::out_of_memory);
        for (std::size_t i = 0; i < patch.size(); ++i)
            writes.emplace_back(write{detail::phase_index(patch[i]), i});
        std::sort(writes.begin(), writes.end(), [](const write& a, const write& b) noexcept {
            return a.phase != b.phase ? a.phase < b.phase : a.op < b.op;
        });

        // Final state of phase j: the last op that writes it, else the document. `cursor` walks
        // `writes` in the direction the caller walks the phases.
        const auto stored = [&](std::size_t j) noexcept {
            const Value& phase = (*phases)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(j)];
            if (!phase.IsObject()) return false;
            std::size_t ignored = 0;
            const Value* complete = detail::find_member_named(phase, "complete", ignored);
            return complete != nullptr && complete->IsTrue();
        };
        std::size_t first_incomplete = count;
        for (std::size_t j = 0, w = 0; j < count; ++j) {
            while (w < writes.size() && writes[w].phase < j) ++w;
            bool complete = stored(j);
            while (w < writes.size() && writes[w].phase == j)
                complete = patch[writes[w++].op].value->GetBool();
            if (!complete) {
                first_incomplete = j;
                break;
            }
        }
        std::size_t last_complete_plus_one = 0;
        for (std::size_t j = count, w = writes.size(); j-- > 0;) {
            while (w > 0 && writes[w - 1].phase > j) --w;
            bool complete = stored(j);
            if (w > 0 && writes[w - 1].phase == j)
                complete = patch[writes[w - 1].op].value->GetBool();
            if (complete) {
                last_complete_plus_one = j + 1;
                break;
            }
        }

        for (std::size_t i = 0; i < patch.size(); ++i) {
            const std::size_t p = detail::phase_index(patch[i]);
            if (patch[i].value->GetBool() && first_incomplete < p)
                return patch_verdict::refuse(errc::phase_order_violation, i,
                                             "an earlier phase is not complete");
            if (!patch[i].value->GetBool() && last_complete_plus_one > p + 1)
                return patch_verdict::refuse(errc::phase_order_violation, i,
                                             "a later phase is still complete");
        }
        return patch_verdict::accept();
    }
};

namespace detail {

template <class P, class V, class = void>
struct has_check : std::false_type {};
template <class P, class V>
struct has_check<P, V,
                 std::enable_if_t<std::is_same<decltype(std::declval<const P&>().check(
                                                   std::declval<const basic_operation<V>&>(),
                                                   std::declval<const V&>())),
                                               verdict>::value>>
    : std::bool_constant<noexcept(std::declval<const P&>().check(
          std::declval<const basic_operation<V>&>(), std::declval<const V&>()))> {};

template <class P, class V, class = void>
struct has_check_patch : std::false_type {};
template <class P, class V>
struct has_check_patch<P, V,
                       std::enable_if_t<std::is_same<decltype(std::declval<const P&>().check_patch(
                                                         std::declval<const basic_patch_view<V>&>(),
                                                         std::declval<const V&>())),
                                                     patch_verdict>::value>>
    : std::bool_constant<noexcept(std::declval<const P&>().check_patch(
          std::declval<const basic_patch_view<V>&>(), std::declval<const V&>()))> {};

// Whether P declares anything named check_patch, whatever its signature: in a class derived
// from both P and a probe that has one, the name is ambiguous exactly when P has it too.
struct check_patch_probe {
    static void check_patch();
};
template <class P>
struct check_patch_lookup : P, check_patch_probe {};
template <class D, class = void>
struct ambiguous_check_patch : std::true_type {};
template <class D>
struct ambiguous_check_patch<D, std::void_t<decltype(&D::check_patch)>> : std::false_type {};
template <class P, bool = std::is_class<P>::value && !std::is_final<P>::value>
struct names_check_patch : ambiguous_check_patch<check_patch_lookup<P>> {};
template <class P>
struct names_check_patch<P, false> : std::false_type {};

template <class P, class = void>
struct has_envelope_flag : std::false_type {};
template <class P>
struct has_envelope_flag<
    P, std::enable_if_t<std::is_same<decltype(P::accepts_envelope), const bool>::value>>
    : std::true_type {};

}  // namespace detail

/// Whether P is a policy for documents of value type V: it has `static constexpr bool
/// accepts_envelope` and a check() returning verdict for a basic_operation<V>. (apply_patch also
/// rejects a check_patch with the wrong signature.)
template <class P, class V>
struct is_policy : std::integral_constant<bool, detail::has_envelope_flag<P>::value &&
                                                    detail::has_check<P, V>::value> {};

}  // namespace relpatch

#endif
