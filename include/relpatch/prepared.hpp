#ifndef RELPATCH_PREPARED_HPP
#define RELPATCH_PREPARED_HPP

/// @file
/// A patch parsed and decoded once, applied to many documents: the server that receives one
/// request body and applies it to a batch of releases, or a benchmark. Preparing allocates (the
/// prepared patch owns a copy of everything it needs); applying a patch of boolean replaces
/// does not.

#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/patch.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/apply.hpp>
#include <relpatch/detail/decode.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relpatch {

/// A patch parsed and decoded once by prepare(), then checked against `Policy` and applied to
/// any number of documents of value type `ValueType` by apply(), each time as apply_patch would.
/// Movable, not copyable (the decoded operations point into the patch it owns). apply() is const
/// and changes nothing in the prepared patch: threads may share one, each applying it to its
/// own document.
template <class Policy = release_policy, class ValueType = RAPIDJSON_NAMESPACE::Value>
class basic_prepared_patch {
public:
    /// The documents' value type.
    using value_type = ValueType;
    /// A code unit of the patch text.
    using Ch = typename ValueType::Ch;
    /// The document type the patch is parsed into and owned as.
    using document_type = RAPIDJSON_NAMESPACE::GenericDocument<typename ValueType::EncodingType,
                                                               typename ValueType::AllocatorType>;

    /// An empty prepared patch, which apply() refuses.
    basic_prepared_patch() = default;
    /// Takes `other`'s patch, leaving `other` empty. Constant time, no-throw.
    basic_prepared_patch(basic_prepared_patch&& other) noexcept { swap(other); }
    /// A prepared patch moved into itself is left empty (and refuses to apply).
    basic_prepared_patch& operator=(basic_prepared_patch&& other) noexcept {
        basic_prepared_patch taken;
        if (&other != this) taken.swap(other);
        swap(taken);
        return *this;
    }
    basic_prepared_patch(const basic_prepared_patch&) = delete;
    basic_prepared_patch& operator=(const basic_prepared_patch&) = delete;
    ~basic_prepared_patch() = default;

    /// Parses `patch_text` and checks that every operation is well formed (the checks that need
    /// no document). On error `out` is left empty and the result says why, as apply_patch would.
    /// `patch_text` may view `out`'s own comment: it is read before `out` changes. `lim` is kept
    /// for every apply().
    /// @par Complexity
    /// Linear in the size of the patch text.
    /// @par Exception Safety
    /// No-throw, but not against exhausted memory: the DOM, the operation list and the comment
    /// are allocated with `new`, whose std::bad_alloc terminates the program (the function is
    /// noexcept).
    static result prepare(std::basic_string_view<Ch> patch_text, basic_prepared_patch& out,
                          const limits& lim = limits()) noexcept {
        static_assert(detail::check_policy<Policy, ValueType>());
        basic_prepared_patch fresh;
        result r = fresh.parse(patch_text, lim);
        out = basic_prepared_patch();
        if (r) out.swap(fresh);
        return r;
    }

    /// Whether there is no prepared patch (default-constructed, moved from, or a failed
    /// prepare()).
    bool empty() const noexcept { return dom_ == nullptr; }
    /// The number of operations.
    std::size_t size() const noexcept { return ops_.size(); }
    /// The envelope's comment, or empty.
    const std::basic_string<Ch>& comment() const noexcept { return comment_; }

    /// Checks the operations against `policy` on `doc` and applies them atomically, exactly as
    /// apply_patch does, with the limits given to prepare(). `alloc` is the allocator of `doc`'s
    /// document. An empty prepared patch is refused with patch_not_array.
    /// @par Complexity
    /// What applying the operations costs (see apply_patch); nothing is parsed again.
    /// @par Exception Safety
    /// No-throw, as apply_patch.
    result apply(ValueType& doc, typename ValueType::AllocatorType& alloc,
                 const Policy& policy = Policy()) const noexcept {
        if (empty()) {
            result r(errc::patch_not_array);
            detail::result_access::detail(r, "the patch was not prepared");
            return r;
        }
        return detail::check_and_apply(doc, basic_patch_view<ValueType>(ops_.data(), ops_.size()),
                                       alloc, limits_, policy);
    }
    /// apply() on a whole document, with its own allocator.
    template <class StackAllocator>
    result apply(RAPIDJSON_NAMESPACE::GenericDocument<typename ValueType::EncodingType,
                                                      typename ValueType::AllocatorType,
                                                      StackAllocator>& doc,
                 const Policy& policy = Policy()) const noexcept {
        return apply(static_cast<ValueType&>(doc), doc.GetAllocator(), policy);
    }

private:
    result parse(std::basic_string_view<Ch> patch_text, const limits& lim) noexcept {
        auto dom = std::make_unique<document_type>();
        result r = detail::parse_patch_text(patch_text, *dom, lim);
        if (!r) return r;
        detail::envelope<ValueType> env;
        r = detail::unwrap<Policy::accepts_envelope>(static_cast<const ValueType&>(*dom), lim, env);
        if (env.comment != nullptr)
            comment_.assign(env.comment->GetString(), env.comment->GetStringLength());
        if (!r) return r;
        detail::operation_list<ValueType> ops;
        r = detail::decode_operations(*env.operations, lim, ops);
        if (!r) return r;
        ops_.assign(ops.begin(), ops.end());
        limits_ = lim;
        dom_ = std::move(dom);
        return r;
    }

    void swap(basic_prepared_patch& other) noexcept {
        std::swap(dom_, other.dom_);
        std::swap(ops_, other.ops_);
        std::swap(comment_, other.comment_);
        std::swap(limits_, other.limits_);
    }

    std::unique_ptr<document_type> dom_;  // owns the strings and values ops_ point into
    std::vector<basic_operation<ValueType>> ops_;
    std::basic_string<Ch> comment_;
    limits limits_;
};

/// A prepared patch for rapidjson::Document.
template <class Policy = release_policy>
using prepared_patch = basic_prepared_patch<Policy, RAPIDJSON_NAMESPACE::Value>;

}  // namespace relpatch

#endif
