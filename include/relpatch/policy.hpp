#ifndef RELPATCH_POLICY_HPP
#define RELPATCH_POLICY_HPP

// Validation policies: compile-time types that decide, before anything is applied, which
// operations a patch may contain.
//
// A policy is a plain type providing
//
//     static constexpr bool accepts_envelope;
//         // true: the patch may also be {"comment": "...", "patch": [...]}
//     template <class Value>
//     static relpatch::verdict check(const relpatch::basic_operation<Value>& op,
//                                    const Value& document) noexcept;
//         // called for each operation in order, on the document as it was before the patch
//
// and optionally
//
//     template <class Value>
//     static relpatch::verdict check_patch(const relpatch::basic_patch_view<Value>& patch,
//                                          const Value& document) noexcept;
//         // called once after every operation passed check(), for rules across operations
//
// apply_patch static_asserts these with a readable message. Every location an op reads or
// writes is in the operation: `path`, and `from` for move and copy.

#include <relpatch/error.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/pointer.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relpatch {

// A policy's answer. `op_index` is read only from check_patch (check() is about one op).
struct verdict {
    errc code = errc::success;
    bool at_from = false;          // the error is about "from", not "path"
    const char* detail = nullptr;  // a static sentence for result::message()
    std::size_t op_index = static_cast<std::size_t>(-1);
    // Optional, from check(): the value op.path names in the document, when the policy looked
    // it up anyway (a `const Value*`). apply_patch may then skip its own lookup. Leave it null
    // unless it is exactly that value.
    const void* target = nullptr;

    constexpr verdict() noexcept = default;
    constexpr verdict(errc c, const char* d = nullptr, bool from = false) noexcept
        : code(c), at_from(from), detail(d) {}
    explicit operator bool() const noexcept { return code == errc::success; }
};

// Every RFC 6902 operation, anywhere in the document.
struct rfc6902_policy {
    static constexpr bool accepts_envelope = false;

    template <class Value>
    static verdict check(const basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
};

// The release API: only {"op":"replace","path":"/phases/N/complete","value":<bool>} on an
// existing phase whose "complete" is a boolean. Also accepts {"comment", "patch"} envelopes.
struct release_policy {
    static constexpr bool accepts_envelope = true;

    template <class Value>
    static verdict check(const basic_operation<Value>& op, const Value& document) noexcept {
        if (op.op != op_type::replace)
            return {errc::op_not_allowed, "only \"replace\" of /phases/N/complete is allowed"};
        // "phases", "phase" and "complete" contain no '~' or '/', so each can only be spelled
        // literally: comparing the raw tokens is exact.
        using token = typename basic_pointer<Value>::token;
        using view = typename basic_pointer<Value>::string_view_type;
        const view text = op.path.text();
        view tokens[3];
        std::size_t count = 0;
        for (std::size_t begin = 1, i = 1; begin <= text.size(); begin = ++i) {
            while (i < text.size() && text[i] != '/') ++i;
            if (count == 3) return {errc::path_not_allowed, "only /phases/N/complete is allowed"};
            tokens[count++] = text.substr(begin, i - begin);
        }
        if (text.empty() || count != 3 || !detail::name_is(tokens[2].data(), tokens[2].size(), "complete"))
            return {errc::path_not_allowed, "only /phases/N/complete is allowed"};
        if (!detail::name_is(tokens[0].data(), tokens[0].size(), "phases")) {
            if (detail::name_is(tokens[0].data(), tokens[0].size(), "phase"))
                return {errc::path_not_allowed,
                        "did you mean /phases/N/complete (\"phases\", plural)?"};
            return {errc::path_not_allowed, "only /phases/N/complete is allowed"};
        }
        if (!op.value->IsBool())
            return {errc::value_type_not_allowed, "\"value\" must be true or false"};

        if (!document.IsObject()) return {errc::path_not_found, "the document is not an object"};
        const Value* phases = find(document, "phases");
        if (phases == nullptr) return {errc::path_not_found, "the document has no \"phases\""};
        if (!phases->IsArray()) return {errc::path_not_found, "\"phases\" is not an array"};
        std::size_t index = 0;
        const errc e = token(tokens[1]).to_index(phases->Size(), false, index);
        if (e != errc::success) return {e, "N must name an existing phase"};
        const Value& phase = (*phases)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(index)];
        if (!phase.IsObject()) return {errc::path_not_found, "the phase is not an object"};
        const Value* complete = find(phase, "complete");
        if (complete == nullptr) return {errc::path_not_found, "the phase has no \"complete\""};
        if (!complete->IsBool())
            return {errc::target_type_not_allowed, "the phase's \"complete\" is not a boolean"};
        verdict ok;
        ok.target = complete;
        return ok;
    }

    // The first member of `object` named `name`, or nullptr.
    template <class Value>
    static const Value* find(const Value& object, std::string_view name) noexcept {
        for (const auto& m : detail::members(object))
            if (detail::name_is(m.name, name)) return &m.value;
        return nullptr;
    }

    // For an operation that passed check(): the phase index it names.
    template <class Value>
    static std::size_t phase_index(const basic_operation<Value>& op) noexcept {
        auto t = op.path.begin();
        ++t;
        std::size_t index = 0;
        (void)(*t).to_index(static_cast<std::size_t>(-1) - 1, false, index);
        return index;
    }
};

// release_policy, and phases complete in order: a phase may be marked complete only when every
// earlier phase is complete after the patch, and incomplete only when every later one is
// incomplete after the patch. A phase whose "complete" is missing or not a boolean counts as
// incomplete.
struct ordered_release_policy : release_policy {
    template <class Value>
    static verdict check_patch(const basic_patch_view<Value>& patch,
                               const Value& document) noexcept {
        const Value* phases = nullptr;
        if (patch.size() == 0 || !document.IsObject()) return {};
        phases = find(document, "phases");
        const std::size_t count = phases->Size();

        // Final state of phase j: the last op that writes it, else the document.
        auto complete_after = [&](std::size_t j) noexcept {
            for (std::size_t i = patch.size(); i-- > 0;) {
                const auto op = patch[i];
                if (phase_index(op) == j) return op.value->GetBool();
            }
            const Value& phase = (*phases)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(j)];
            if (!phase.IsObject()) return false;
            const Value* complete = find(phase, "complete");
            return complete != nullptr && complete->IsTrue();
        };
        std::size_t first_incomplete = count;
        for (std::size_t j = 0; j < count; ++j)
            if (!complete_after(j)) {
                first_incomplete = j;
                break;
            }
        std::size_t last_complete_plus_one = 0;
        for (std::size_t j = count; j-- > 0;)
            if (complete_after(j)) {
                last_complete_plus_one = j + 1;
                break;
            }

        for (std::size_t i = 0; i < patch.size(); ++i) {
            const auto op = patch[i];
            const std::size_t p = phase_index(op);
            verdict v;
            if (op.value->GetBool() && first_incomplete < p)
                v = {errc::phase_order_violation, "an earlier phase is not complete"};
            else if (!op.value->GetBool() && last_complete_plus_one > p + 1)
                v = {errc::phase_order_violation, "a later phase is still complete"};
            if (!v) {
                v.op_index = i;
                return v;
            }
        }
        return {};
    }
};

namespace detail {

template <class P, class V, class = void>
struct has_check : std::false_type {};
template <class P, class V>
struct has_check<P, V,
                 std::enable_if_t<std::is_same<decltype(P::check(
                                                   std::declval<const basic_operation<V>&>(),
                                                   std::declval<const V&>())),
                                               verdict>::value>> : std::true_type {};

template <class P, class V, class = void>
struct has_check_patch : std::false_type {};
template <class P, class V>
struct has_check_patch<
    P, V,
    std::enable_if_t<std::is_same<decltype(P::check_patch(
                                      std::declval<const basic_patch_view<V>&>(),
                                      std::declval<const V&>())),
                                  verdict>::value>> : std::true_type {};

template <class P, class = void>
struct has_envelope_flag : std::false_type {};
template <class P>
struct has_envelope_flag<P, std::enable_if_t<std::is_same<decltype(P::accepts_envelope),
                                                          const bool>::value>> : std::true_type {};

}  // namespace detail

// Whether P is a policy for documents of value type V.
template <class P, class V>
struct is_policy : std::integral_constant<bool, detail::has_envelope_flag<P>::value &&
                                                    detail::has_check<P, V>::value> {};

}  // namespace relpatch

#endif
