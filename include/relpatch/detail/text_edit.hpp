#ifndef RELPATCH_DETAIL_TEXT_EDIT_HPP
#define RELPATCH_DETAIL_TEXT_EDIT_HPP

// apply_patch_to_text's machinery. The patch is decoded exactly as apply_patch decodes it (the
// release fast path, else parse, unwrap, decode_operations); the document is validated by one
// scan (json_validate.hpp) that also records where the values the operations name begin and
// end; then the answer is decided as the DOM path would decide it, and the text is edited:
// - release policies: the library's release_check() and check_patch() run on a view of the
//   scanned document (text_view.hpp); each op is then a replace of a boolean "complete";
// - rfc6902_policy, patches of replace and test only: each pointer is resolved with the DOM
//   path's errors, "test" compares with compare(rfc) against the location's text parsed by
//   parse_json_text (or against the value an earlier op wrote there), and replace is charged
//   what the engine charges (document depth, max_added_bytes);
// - anything else (add, remove, move, copy; other policies; an op reading inside a location an
//   earlier op replaced, or replacing a location that holds one; pointers too many for the
//   scan's trie) is answered by the DOM path: parse_document, apply_patch, rapidjson::Writer.
// The edits replace each written value's bytes by the new value's bytes as the patch spells
// them; everything else is copied.

#include <relpatch/document.hpp>
#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/patch.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/apply.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/decode.hpp>
#include <relpatch/detail/fast_patch.hpp>
#include <relpatch/detail/json_validate.hpp>
#include <relpatch/detail/parse.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/text_scan.hpp>
#include <relpatch/detail/text_view.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

namespace relpatch {
namespace detail {

using text_document_value = RAPIDJSON_NAMESPACE::Value;

// Whether apply_patch_to_text answers for Policy without a DOM (for some patches).
template <class Policy>
constexpr bool has_text_path =
    is_release_policy<Policy> || std::is_same<Policy, rfc6902_policy>::value;

// One change to the document text: bytes [begin, end) become `text`.
struct text_edit {
    std::size_t begin;
    std::size_t end;
    std::string_view text;
};

struct text_plan {
    small_vector<text_edit, inline_ops> edits;
    bool fallback = false;  // the DOM path must answer
};

inline bool starts_with_bom(std::string_view text) noexcept {
    return text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
           static_cast<unsigned char>(text[1]) == 0xBB &&
           static_cast<unsigned char>(text[2]) == 0xBF;
}

// Whether `view` points into `s`'s characters.
inline bool views_into(const std::string& s, std::string_view view) noexcept {
    if (view.empty()) return false;
    const std::less<const char*> before;
    return !before(view.data(), s.data()) && before(view.data(), s.data() + s.size());
}

// Makes room for `n` characters; false (s unchanged) when memory runs out.
inline bool try_reserve(std::string& s, std::size_t n) noexcept {
    if (n <= s.capacity()) return true;
    if (n > s.max_size()) return false;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
    try {
        s.reserve(n);
    } catch (...) {
        return false;
    }
#else
    s.reserve(n);
#endif
    return true;
}

// The document refused: the errc parse_document gives (its scan's errors first: encoding, NUL,
// nesting, "\uDCxx"; else invalid_document), at the offset the scan or the scanner found.
template <bool Simd>
inline result invalid_document_result(std::string_view text, const json_scanner<Simd>& scanner,
                                      const limits& lim) noexcept {
    const std::size_t skipped = starts_with_bom(text) ? 3 : 0;
    std::size_t at = 0;
    errc e =
        scan_json_text<text_encoding::utf8>(text.data() + skipped, text.size() - skipped,
                                            std::min(lim.max_document_depth, hard_max_depth), &at);
    const char* why = nullptr;
    if (e == errc::success) {
        e = errc::invalid_document;
        at = scanner.error_offset();
        why = scanner.error_reason();
    } else {
        at += skipped;
        if (e == errc::invalid_json) e = errc::invalid_document;
        if (e == errc::nesting_too_deep) e = errc::document_too_deep;
    }
    result r(e);
    result_access::offset(r, at);
    result_access::detail(r, why);
    return r;
}

// Decodes the patch as apply_patch does, then calls `then(decoded, ops, comment)` while the
// operations' storage is alive: `decoded` is apply_patch's result so far (an error, or success
// with `ops`), `comment` the envelope's comment string or null.
template <class Policy, class F>
inline result with_decoded_patch(std::string_view patch_text, const limits& lim,
                                 F&& then) noexcept {
    using V = text_document_value;
    using Allocator = V::AllocatorType;
    {
        fast_op scanned[max_fast_ops];
        std::size_t count = 0;
        fast_storage<basic_operation<V>, V> storage;
        if (patch_text.size() <= lim.max_patch_bytes &&
            fast_scanner(patch_text.data(), patch_text.size()).scan(scanned, count) &&
            decode_fast<V>(scanned, count, lim, storage))
            return then(result(), basic_patch_view<V>(storage.ops(), count),
                        static_cast<const V*>(nullptr));
    }
    patch_allocator<Allocator> storage;
    RAPIDJSON_NAMESPACE::GenericDocument<V::EncodingType, Allocator,
                                         RAPIDJSON_NAMESPACE::CrtAllocator>
        patch(&storage.allocator);
    result r = parse_patch_text(patch_text, patch, lim);
    if (!r) return then(r, basic_patch_view<V>(), static_cast<const V*>(nullptr));
    envelope<V> env;
    r = unwrap<Policy::accepts_envelope>(static_cast<const V&>(patch), lim, env);
    if (!r) return then(r, basic_patch_view<V>(), env.comment);
    operation_list<V> ops;
    r = decode_operations(*env.operations, lim, ops);
    if (!r) return then(r, basic_patch_view<V>(), env.comment);
    return then(r, basic_patch_view<V>(ops.data(), ops.size()), env.comment);
}

// What the engine's replace charges before it writes `value` at a pointer of `tokens` tokens
// (engine::copy_in and spend): the document's depth, max_added_bytes, the work of measuring.
template <class V>
inline errc charge_replace(const V& value, std::size_t tokens, std::size_t max_depth,
                           std::size_t& bytes_left, work_meter& work) noexcept {
    if (tokens > max_depth) return errc::document_too_deep;
    value_size size;
    errc e = measure(value, max_depth - tokens, bytes_left, work, size);
    if (e == errc::nesting_too_deep) return errc::document_too_deep;
    if (e != errc::success) return e;
    if (size.bytes > bytes_left) return errc::growth_limit_exceeded;
    bytes_left -= size.bytes;
    // The engine's identity comparison before the write costs at least a unit.
    return work.charge_bytes(size.bytes) && work.charge(1) ? errc::success
                                                           : errc::work_limit_exceeded;
}

// Where pointer `node` leads in the scanned document: success, or the error
// basic_pointer::resolve gives there.
inline errc resolve_status(const target_set& targets, std::uint32_t node,
                           work_meter& work) noexcept {
    // The chain from the root down, walked from the node up (its length is bounded by the
    // document's depth: see target_set::add).
    small_vector<std::uint32_t, 32> chain;
    for (std::uint32_t n = node; n != 0; n = targets[n].parent)
        if (!chain.push_back(n)) return errc::out_of_memory;
    if (!work.charge(chain.size())) return errc::work_limit_exceeded;
    std::uint32_t parent = 0;
    for (std::size_t k = chain.size(); k-- > 0;) {
        const target_node& p = targets[parent];
        const target_node& c = targets[chain[k]];
        if (p.kind == json_kind::object) {
            if (c.kind == json_kind::none) return errc::path_not_found;
        } else if (p.kind == json_kind::array) {
            std::size_t index = 0;
            using pointer_token = basic_pointer<text_document_value>::token;
            const errc e = pointer_token(c.token).to_index(p.count, false, index);
            if (e != errc::success) return e;
            RELPATCH_ASSERT(c.kind != json_kind::none);
        } else {
            return errc::not_a_container;
        }
        parent = chain[k];
    }
    return errc::success;
}

// RFC 6902 equality of the JSON text `span` (a valid value) and `value`, with the document's
// number reading (parse_json_text) and the engine's comparison.
template <class V>
inline errc compare_text(std::string_view span, const V& value, work_meter& work,
                         bool& same) noexcept {
    using Allocator = typename V::AllocatorType;
    patch_allocator<Allocator> storage;
    RAPIDJSON_NAMESPACE::GenericDocument<typename V::EncodingType, Allocator,
                                         RAPIDJSON_NAMESPACE::CrtAllocator>
        parsed(&storage.allocator);
    const parse_error e = parse_json_text(span, parsed, hard_max_depth, errc::invalid_document);
    RELPATCH_ASSERT(e.code == errc::success || e.code == errc::out_of_memory);
    if (e.code != errc::success) return errc::out_of_memory;
    return compare(static_cast<const V&>(parsed), value, compare_mode::rfc, work, same);
}

// The edits sorted by position, with the old bytes compared with the new: an edit that
// changes nothing is dropped (so changed() means the bytes differ).
inline void settle_edits(std::string_view document, text_plan& plan) noexcept {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < plan.edits.size(); ++i) {
        const text_edit& e = plan.edits[i];
        if (document.substr(e.begin, e.end - e.begin) != e.text) plan.edits[kept++] = e;
    }
    while (plan.edits.size() > kept) plan.edits.pop_back();
    std::sort(plan.edits.begin(), plan.edits.end(),
              [](const text_edit& a, const text_edit& b) noexcept { return a.begin < b.begin; });
}

// Whether every op is one release_policy accepts on the scanned document without reading
// more of it: a replace of a "complete" the scan found to be a boolean, at /phases/N/complete
// (N canonical: the scan matched it as an index), with a boolean. Then release_check() accepts
// each op, so the text view it would run on need not be made. ordered_release_policy always
// goes through the view, for its check_patch().
template <class Policy>
inline bool plain_release_ops(basic_patch_view<text_document_value> ops, const target_set& targets,
                              std::uint32_t phases_node,
                              const small_vector<std::uint32_t, inline_ops>& op_nodes) noexcept {
    if constexpr (has_check_patch<Policy, text_value>::value) {
        return false;
    } else {
        if (targets[0].kind != json_kind::object || targets[phases_node].kind != json_kind::array)
            return false;
        for (std::size_t i = 0; i < ops.size(); ++i) {
            const std::uint32_t node = op_nodes[i];
            if (ops[i].op != op_type::replace || !ops[i].value->IsBool() || node == no_node)
                return false;
            const target_node& n = targets[node];
            if ((n.kind != json_kind::true_value && n.kind != json_kind::false_value) ||
                n.token != complete_name || targets[n.parent].parent != phases_node)
                return false;
        }
        return true;
    }
}

// The release policies, on the scanned document: the library's checks on the text view, then
// what the engine does with each op (a replace of a boolean "complete").
template <class Policy>
inline result plan_release(std::string_view document, basic_patch_view<text_document_value> ops,
                           target_set& targets, std::uint32_t phases_node,
                           const small_vector<std::uint32_t, inline_ops>& op_nodes,
                           const element_states* collected, const limits& lim,
                           text_plan& plan) noexcept {
    using V = text_document_value;
    constexpr std::size_t none = result::npos;
    work_meter work(lim.max_work);
    if (plain_release_ops<Policy>(ops, targets, phases_node, op_nodes)) {
        // What release_check() would find on the view, and charge: the root's one member
        // ("phases") and the phase's one ("complete"), each op.
        for (std::size_t i = 0; i < ops.size(); ++i)
            if (!work.charge(2)) return failure<V>(errc::work_limit_exceeded, i);
    } else {
        const target_node& root = targets[0];
        const target_node& phases = targets[phases_node];
        const element_table table(targets, phases_node, collected);
        const text_value phases_value =
            phases.kind == json_kind::array
                ? text_value::array(&table, static_cast<text_value::SizeType>(phases.count))
                : text_value(phases.kind);
        const text_member root_members[1] = {{text_value::string("phases", 6), phases_value}};
        const text_value document_value =
            root.kind == json_kind::object
                ? text_value::object(root_members, phases.kind != json_kind::none ? 1 : 0)
                : text_value(root.kind);
        small_vector<basic_operation<text_value>, inline_ops> view_ops;
        small_vector<text_value, inline_ops> values;
        if (!view_ops.reserve(ops.size()) || !values.reserve(ops.size()))
            return failure<V>(errc::out_of_memory, none);
        for (std::size_t i = 0; i < ops.size(); ++i) {
            values.emplace_back(ops[i].value != nullptr ? text_value::type_of(*ops[i].value)
                                                        : text_value());
            basic_operation<text_value> op;
            op.op = ops[i].op;
            // Already validated: parsing only makes the view.
            (void)basic_pointer<text_value>::parse(ops[i].path.text(), op.path);
            if (op.has_from()) (void)basic_pointer<text_value>::parse(ops[i].from.text(), op.from);
            op.value = ops[i].value != nullptr ? &values[i] : nullptr;
            view_ops.emplace_back(op);
        }

        for (std::size_t i = 0; i < ops.size(); ++i) {
            release_lookup<text_value> found;
            const verdict v = release_check(view_ops[i], document_value, found);
            if (!work.charge(found.work)) return failure<V>(errc::work_limit_exceeded, i);
            if (!v)
                return failure<V>(v.code(), i, v.detail(),
                                  v.at_from() ? &ops[i].from : &ops[i].path, v.at_from());
        }
        if constexpr (has_check_patch<Policy, text_value>::value) {
            const patch_verdict v = Policy().check_patch(
                basic_patch_view<text_value>(view_ops.data(), view_ops.size()), document_value);
            if (!v) {
                const std::size_t at = v.op_index() < ops.size() ? v.op_index() : none;
                if (at == none) return failure<V>(v.code(), none, v.detail());
                return failure<V>(v.code(), at, v.detail(),
                                  v.at_from() ? &ops[at].from : &ops[at].path, v.at_from());
            }
        }
    }

    const std::size_t max_depth = std::min(lim.max_document_depth, hard_max_depth);
    std::size_t bytes_left = lim.max_added_bytes;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const errc e =
            charge_replace(*ops[i].value, ops[i].path.token_count(), max_depth, bytes_left, work);
        if (e != errc::success) return failure<V>(e, i, nullptr, &ops[i].path);
        // release_check found this "complete": the trie holds every op's three tokens.
        RELPATCH_ASSERT(op_nodes[i] != no_node &&
                        (targets[op_nodes[i]].kind == json_kind::true_value ||
                         targets[op_nodes[i]].kind == json_kind::false_value));
        targets[op_nodes[i]].mark = static_cast<std::uint32_t>(i);
    }
    if (!plan.edits.reserve(ops.size())) return failure<V>(errc::out_of_memory, none);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const target_node& n = targets[op_nodes[i]];
        if (n.mark != i) continue;  // a later op writes it again
        plan.edits.emplace_back(text_edit{
            n.begin, n.end,
            ops[i].value->IsTrue() ? std::string_view("true") : std::string_view("false")});
    }
    settle_edits(document, plan);
    return result();
}

// rfc6902_policy, replace and test only: the engine's decisions op by op, on the scanned
// document and the values earlier ops wrote.
template <bool Simd>
inline result plan_rfc(std::string_view document, std::string_view patch_text,
                       basic_patch_view<text_document_value> ops, target_set& targets,
                       const small_vector<std::uint32_t, inline_ops>& op_nodes, const limits& lim,
                       text_plan& plan) noexcept {
    using V = text_document_value;
    constexpr std::size_t none = result::npos;
    const std::size_t max_depth = std::min(lim.max_document_depth, hard_max_depth);
    work_meter work(lim.max_work);
    std::size_t bytes_left = lim.max_added_bytes;
    small_vector<std::uint32_t, inline_ops> replaces;
    if (!replaces.reserve(ops.size())) return failure<V>(errc::out_of_memory, none);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const basic_operation<V>& op = ops[i];
        // The scan saw the document before the patch: an op that reads or writes inside an
        // earlier replace's value, or around it, needs the DOM. O(ops^2) comparisons of
        // pointer prefixes, at most.
        for (const std::uint32_t j : replaces) {
            if (ops[j].path.is_proper_prefix_of(op.path) ||
                op.path.is_proper_prefix_of(ops[j].path)) {
                plan.fallback = true;
                return result();
            }
        }
        target_node& n = targets[op_nodes[i]];
        const V* written = n.mark != no_node ? ops[n.mark].value : nullptr;
        if (written == nullptr) {
            const errc e = resolve_status(targets, op_nodes[i], work);
            if (e != errc::success) return failure<V>(e, i, nullptr, &op.path);
        }
        if (op.op == op_type::test) {
            bool same = false;
            const errc e = written != nullptr
                               ? compare(*written, *op.value, compare_mode::rfc, work, same)
                               : compare_text(document.substr(n.begin, n.end - n.begin), *op.value,
                                              work, same);
            if (e != errc::success) return failure<V>(e, i, nullptr, &op.path);
            if (!same) return failure<V>(errc::test_failed, i, nullptr, &op.path);
            continue;
        }
        const errc e =
            charge_replace(*op.value, op.path.token_count(), max_depth, bytes_left, work);
        if (e != errc::success) return failure<V>(e, i, nullptr, &op.path);
        n.mark = static_cast<std::uint32_t>(i);
        replaces.emplace_back(static_cast<std::uint32_t>(i));
    }
    if (replaces.empty()) return result();

    // Where each final value is spelled in the patch text: "/<i>/value" of the bare array
    // (rfc6902_policy takes no envelope), found by the same scanner.
    static_assert(!rfc6902_policy::accepts_envelope, "the patch is a bare array");
    small_vector<char, 256> digits;
    target_set spelled;
    small_vector<std::uint32_t, inline_ops> value_nodes;
    if (!digits.reserve(replaces.size() * 20) || !spelled.init() ||
        !value_nodes.reserve(replaces.size()))
        return failure<V>(errc::out_of_memory, none);
    for (const std::uint32_t i : replaces) {
        std::uint32_t node = no_node;
        if (targets[op_nodes[i]].mark == i) {
            char buffer[20];
            std::size_t len = 0;
            for (std::uint32_t v = i; len == 0 || v != 0; v /= 10)
                buffer[len++] = static_cast<char>('0' + v % 10);
            const char* token = digits.data() + digits.size();
            while (len > 0) digits.emplace_back(buffer[--len]);
            const std::uint32_t element = spelled.child(
                0, std::string_view(
                       token, static_cast<std::size_t>(digits.data() + digits.size() - token)));
            node = element == no_node ? no_node : spelled.child(element, "value");
            if (node == no_node) {  // the budget is far larger than two nodes per op
                plan.fallback = true;
                return result();
            }
        }
        value_nodes.emplace_back(node);
    }
    if (!spelled.seal()) return failure<V>(errc::out_of_memory, none);
    json_scanner<Simd> scanner(&spelled);
    const scan_status s = scanner.scan(patch_text.data(), patch_text.size(), hard_max_depth, false);
    if (s == scan_status::out_of_memory) return failure<V>(errc::out_of_memory, none);
    // The patch parsed, so it scans: anything else is a disagreement between the two readers.
    RELPATCH_ASSERT(s == scan_status::valid);
    if (s != scan_status::valid) {
        plan.fallback = true;
        return result();
    }
    if (!plan.edits.reserve(replaces.size())) return failure<V>(errc::out_of_memory, none);
    for (std::size_t k = 0; k < replaces.size(); ++k) {
        if (value_nodes[k] == no_node) continue;
        const target_node& where = targets[op_nodes[replaces[k]]];
        const target_node& spelling = spelled[value_nodes[k]];
        RELPATCH_ASSERT(spelling.kind != json_kind::none);
        plan.edits.emplace_back(
            text_edit{where.begin, where.end,
                      patch_text.substr(spelling.begin, spelling.end - spelling.begin)});
    }
    settle_edits(document, plan);
    return result();
}

// Decodes, scans and decides; fills `plan` with the edits, or sets plan.fallback.
template <class Policy, bool Simd>
inline result plan_text_patch(std::string_view document, std::string_view patch_text,
                              const limits& lim, std::string* comment, text_plan& plan) noexcept {
    using V = text_document_value;
    constexpr std::size_t none = result::npos;
    constexpr bool release = is_release_policy<Policy>;
    constexpr bool ordered = std::is_same<Policy, ordered_release_policy>::value;
    const std::size_t max_depth = std::min(lim.max_document_depth, hard_max_depth);
    return with_decoded_patch<Policy>(
        patch_text, lim,
        [&](const result& decoded, basic_patch_view<V> ops, const V* note) noexcept -> result {
            if constexpr (!release) {
                if (decoded)
                    for (const auto& op : ops)
                        if (op.op != op_type::replace && op.op != op_type::test) {
                            plan.fallback = true;
                            return result();
                        }
            }
            target_set targets;
            element_states collected;
            small_vector<std::uint32_t, inline_ops> op_nodes;
            std::uint32_t phases = no_node;
            if (!targets.init() || !op_nodes.reserve(ops.size()))
                return failure<V>(errc::out_of_memory, none);
            if constexpr (release) {
                phases = targets.child(0, "phases");
                if (phases == no_node) return failure<V>(errc::out_of_memory, none);
                targets[phases].collect = ordered;
            }
            for (const auto& op : ops) {
                std::uint32_t node = no_node;
                // The release policies refuse any other pointer before reading the document.
                if (!release || op.path.token_count() == 3) {
                    node = targets.add(op.path, release ? 3 : max_depth + 1);
                    if (node == no_node) {
                        if (!targets.over_budget()) return failure<V>(errc::out_of_memory, none);
                        plan.fallback = true;
                        return result();
                    }
                }
                op_nodes.emplace_back(node);
            }
            if (!targets.seal()) return failure<V>(errc::out_of_memory, none);

            json_scanner<Simd> scanner(&targets, ordered ? &collected : nullptr, complete_name);
            const scan_status s = scanner.scan(document.data(), document.size(), max_depth, true);
            if (s == scan_status::out_of_memory) return failure<V>(errc::out_of_memory, none);
            if (s == scan_status::invalid) return invalid_document_result(document, scanner, lim);

            // As apply_patch reports it, now that the DOM path would have reached apply_patch.
            if (comment != nullptr && note != nullptr)
                comment->assign(note->GetString(), note->GetStringLength());
            if (!decoded) return decoded;
            if constexpr (release)
                return plan_release<Policy>(document, ops, targets, phases, op_nodes,
                                            ordered ? &collected : nullptr, lim, plan);
            else
                return plan_rfc<Simd>(document, patch_text, ops, targets, op_nodes, lim, plan);
        });
}

// Writes into `out` the text of `document` with `edits` made. False when memory runs out.
inline bool compose(std::string_view document, std::string_view patch_text, const text_edit* edits,
                    std::size_t count, std::string& out) noexcept {
    if (count == 0 && out.data() == document.data() && out.size() == document.size()) return true;
    std::size_t size = document.size();
    for (std::size_t i = 0; i < count; ++i)
        size = size - (edits[i].end - edits[i].begin) + edits[i].text.size();
    // Both texts may view `out`: then the result is built aside.
    std::string aside;
    const bool aliased = views_into(out, document) || views_into(out, patch_text);
    std::string& to = aliased ? aside : out;
    if (!aliased) to.clear();
    if (!try_reserve(to, size)) return false;
    std::size_t at = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const text_edit& e = edits[i];
        to.append(document.data() + at, e.begin - at);
        to.append(e.text.data(), e.text.size());
        at = e.end;
    }
    to.append(document.data() + at, document.size() - at);
    if (aliased) out.swap(aside);
    return true;
}

// std::string as a RapidJSON output stream.
struct string_output {
    typedef char Ch;
    std::string* s;
    void Put(char c) { s->push_back(c); }
    void Flush() noexcept {}
};

// The DOM path: parse_document, apply_patch, and, when the document changed, Writer's compact
// text (after the document's byte order mark, if any); unchanged, `out` receives the document
// text itself. changed() then says whether the text differs, as on the text path.
template <class Policy>
inline result patch_text_with_dom(std::string_view document, std::string_view patch_text,
                                  std::string& out, const limits& lim,
                                  std::string* comment) noexcept {
    RAPIDJSON_NAMESPACE::Document doc;
    result r = parse_document(document, doc, lim);
    if (!r) return r;
    const bool bom = starts_with_bom(document);
    r = apply_patch<Policy>(doc, patch_text, lim, comment);
    if (!r) return r;
    if (!r.changed()) {
        if (out.data() != document.data() || out.size() != document.size())
            out.assign(document.data(), document.size());
        return r;
    }
    std::string text;
    if (bom) text.assign("\xEF\xBB\xBF", 3);
    string_output stream{&text};
    RAPIDJSON_NAMESPACE::Writer<string_output> writer(stream);
    doc.Accept(writer);
    // Patches that cancel out (add, then remove) can leave the same text.
    result_access::changed(r, text != document);
    out.swap(text);
    return r;
}

template <class Policy, bool Simd>
inline result patch_text(std::string_view document, std::string_view patch_text, std::string& out,
                         const limits& lim, std::string* comment) noexcept {
    static_assert(check_policy<Policy, text_document_value>());
    if (comment != nullptr) comment->clear();
    if constexpr (!has_text_path<Policy>) {
        return patch_text_with_dom<Policy>(document, patch_text, out, lim, comment);
    } else {
        text_plan plan;
        result r = plan_text_patch<Policy, Simd>(document, patch_text, lim, comment, plan);
        if (plan.fallback) {
            if (comment != nullptr) comment->clear();
            return patch_text_with_dom<Policy>(document, patch_text, out, lim, comment);
        }
        if (!r) return r;
        if (!compose(document, patch_text, plan.edits.data(), plan.edits.size(), out))
            return failure<text_document_value>(errc::out_of_memory, result::npos,
                                                "out of memory for the patched text");
        result_access::changed(r, !plan.edits.empty());
        return r;
    }
}

}  // namespace detail
}  // namespace relpatch

#endif
