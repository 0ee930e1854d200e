#ifndef RELPATCH_PREPARED_HPP
#define RELPATCH_PREPARED_HPP

// A patch parsed and decoded once, applied to many documents: the server that receives one
// request body and applies it to a batch of releases, or a benchmark. Preparing allocates (the
// prepared patch owns a copy of everything it needs); applying a patch of boolean replaces
// does not.

#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/patch.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relpatch {

template <class Policy = release_policy, class ValueType = RAPIDJSON_NAMESPACE::Value>
class basic_prepared_patch {
public:
    using value_type = ValueType;
    using Ch = typename ValueType::Ch;
    using document_type = RAPIDJSON_NAMESPACE::GenericDocument<typename ValueType::EncodingType,
                                                               typename ValueType::AllocatorType>;

    basic_prepared_patch() = default;

    // Parses `patch_text` and checks that every operation is well formed (the checks that need
    // no document). On error `out` is left empty and the result says why, as apply_patch would.
    static result prepare(std::basic_string_view<Ch> patch_text, basic_prepared_patch& out,
                          const limits& lim = limits()) noexcept {
        static_assert(detail::check_policy<Policy, ValueType>());
        constexpr detail::text_encoding enc =
            detail::encoding_of<typename ValueType::EncodingType>::value;
        out = basic_prepared_patch();
        const errc scanned =
            detail::scan_json_text<enc>(patch_text.data(), patch_text.size(), lim.max_depth);
        if (scanned != errc::success) return detail::failure<ValueType>(scanned, result::npos);
        auto dom = std::make_unique<document_type>();
        detail::bounded_stream<Ch> stream(patch_text.data(), patch_text.size());
        dom->template ParseStream<RAPIDJSON_NAMESPACE::kParseIterativeFlag,
                                  typename ValueType::EncodingType>(stream);
        if (dom->HasParseError())
            return detail::failure<ValueType>(
                errc::invalid_json, result::npos,
                RAPIDJSON_NAMESPACE::GetParseError_En(dom->GetParseError()));
        const ValueType* ops = nullptr;
        const ValueType* note = nullptr;
        std::size_t wrapping = 0;
        result r = detail::unwrap<Policy>(static_cast<const ValueType&>(*dom), lim, ops, note,
                                          wrapping);
        if (!r) return r;
        out.limits_ = lim;
        out.limits_.max_depth = lim.max_depth > wrapping ? lim.max_depth - wrapping : 0;
        r = detail::decode_all(*ops, lim);
        if (!r) return r;
        out.ops_.resize(ops->Size());
        const basic_patch_view<ValueType> view(*ops, lim);
        for (std::size_t i = 0; i < out.ops_.size(); ++i) out.ops_[i] = view[i];
        if (note != nullptr) out.comment_.assign(note->GetString(), note->GetStringLength());
        out.dom_ = std::move(dom);
        return r;
    }

    bool empty() const noexcept { return dom_ == nullptr; }
    std::size_t size() const noexcept { return ops_.size(); }
    // The envelope's comment, or empty.
    const std::basic_string<Ch>& comment() const noexcept { return comment_; }

    // Checks the operations against Policy on `doc` and applies them atomically, exactly as
    // apply_patch does. `alloc` is the allocator of `doc`'s document.
    result apply(ValueType& doc, typename ValueType::AllocatorType& alloc) const noexcept {
        if (empty()) { result r(errc::patch_not_array); detail::result_access::detail(r, "the patch was not prepared"); return r; }
        return detail::check_and_apply<Policy>(
            doc, basic_patch_view<ValueType>(ops_.data(), ops_.size()), alloc, limits_);
    }
    template <class StackAllocator>
    result apply(RAPIDJSON_NAMESPACE::GenericDocument<typename ValueType::EncodingType,
                                                      typename ValueType::AllocatorType,
                                                      StackAllocator>& doc) const noexcept {
        return apply(static_cast<ValueType&>(doc), doc.GetAllocator());
    }

private:
    std::unique_ptr<document_type> dom_;  // owns the strings and values ops_ point into
    std::vector<basic_operation<ValueType>> ops_;
    std::basic_string<Ch> comment_;
    limits limits_;  // with max_depth already reduced to what values may nest
};

template <class Policy = release_policy>
using prepared_patch = basic_prepared_patch<Policy, RAPIDJSON_NAMESPACE::Value>;

}  // namespace relpatch

#endif
