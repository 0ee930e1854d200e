#ifndef RELPATCH_FUZZ_MUTATOR_HPP
#define RELPATCH_FUZZ_MUTATOR_HPP

// A structure-aware libFuzzer mutator for "patch text, NUL, document text" inputs. Byte-level
// mutation of JSON mostly produces text the parser refuses, so most of the engine goes
// unexplored; this one decodes the patch as an array of operations and changes it as a client
// would get it wrong: other op names, pointers into the document (taken from the document
// itself), values (scalars at the number edges, subtrees of the document, nesting at the
// depth limit), added, removed, repeated and reordered operations; then re-serializes it, so
// the result is always well-formed JSON. One mutation in five stays byte-level
// (LLVMFuzzerMutate, which also uses -dict), so the parsers keep being fuzzed too.
//
// A harness enables it with RELPATCH_FUZZ_MUTATOR(options) at namespace scope. Defining
// RELPATCH_FUZZ_NO_CUSTOM_MUTATOR leaves libFuzzer's own mutations (to measure the difference).

#include "fuzz_common.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

// Provided by libFuzzer; weak so that the replay driver (any compiler, no libFuzzer) links.
extern "C" __attribute__((weak)) std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                                              std::size_t max_size);

namespace relpatch_fuzz {

struct mutator_options {
    bool has_params = false;   // input is patch NUL document NUL params (fuzz_engine)
    bool deep_marker = false;  // "^" in a pointer stands for the wrapped depth (fuzz_engine)
    bool envelopes = false;    // release policies: {"comment":..., "patch":[...]}
};

namespace mutation {

using rapidjson::Document;
using rapidjson::Value;

class random {
public:
    explicit random(unsigned seed) : gen_(seed) {}
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(gen_() % n); }
    bool one_in(std::size_t n) { return below(n) == 0; }
    template <class T, std::size_t N>
    const T& pick(const T (&items)[N]) {
        return items[below(N)];
    }

private:
    std::minstd_rand gen_;
};

// libFuzzer's byte mutation of `s`, allowed to grow by up to `room` bytes.
inline std::string bytes(const std::string& s, std::size_t room) {
    if (LLVMFuzzerMutate == nullptr) return s;
    std::string buffer = s;
    buffer.resize(s.size() + room + 1);
    const std::size_t n =
        LLVMFuzzerMutate(reinterpret_cast<std::uint8_t*>(&buffer[0]), s.size(), buffer.size());
    buffer.resize(n);
    return buffer;
}

// Pointers to values of the document (escaped), plus where new ones would go.
inline void collect_pointers(const Value& doc, std::vector<std::string>& out, random& rnd) {
    struct item {
        const Value* v;
        std::string path;
    };
    std::vector<item> stack{{&doc, ""}};
    std::size_t visited = 0;
    while (!stack.empty() && visited < 4096 && out.size() < 96) {
        item it = std::move(stack.back());
        stack.pop_back();
        ++visited;
        if (it.v->IsArray()) {
            out.push_back(it.path + "/-");
            const auto n = it.v->Size();
            for (rapidjson::SizeType i = 0; i < n; ++i) {
                // Not every element of a long array: a few, from both ends.
                if (n > 8 && i >= 3 && i + 3 < n && !rnd.one_in(16)) continue;
                std::string p = it.path + "/" + std::to_string(i);
                out.push_back(p);
                stack.push_back({&(*it.v)[i], std::move(p)});
            }
            if (rnd.one_in(4)) out.push_back(it.path + "/" + std::to_string(n));
        } else if (it.v->IsObject()) {
            out.push_back(it.path + "/new");
            for (const auto& m : members(*it.v)) {
                std::string p =
                    it.path + "/" + escape_token(m.name.GetString(), m.name.GetStringLength());
                out.push_back(p);
                stack.push_back({&m.value, std::move(p)});
            }
        }
    }
}

// A subtree of `doc`, chosen at random (nullptr when the document is empty).
inline const Value* pick_subtree(const Value& doc, random& rnd) {
    const Value* v = &doc;
    while ((v->IsArray() && v->Size() > 0) || (v->IsObject() && v->MemberCount() > 0)) {
        if (rnd.one_in(3)) break;
        if (v->IsArray())
            v = &(*v)[static_cast<rapidjson::SizeType>(rnd.below(v->Size()))];
        else
            v = &members(*v).begin()[rnd.below(v->MemberCount())].value;
    }
    return v;
}

class patch_mutator {
public:
    patch_mutator(const mutator_options& opt, random& rnd, const Value* doc)
        : rnd_(rnd), doc_(doc) {
        if (doc != nullptr) collect_pointers(*doc, pointers_, rnd);
        static const char* const extras[] = {"",
                                             "/",
                                             "/-",
                                             "/0",
                                             "/a",
                                             "/a/b",
                                             "/phases/0/complete",
                                             "/ops",
                                             "/ops/0",
                                             "/ops/0/value",
                                             "/ops/1/path",
                                             "/ops/-",
                                             "/~0",
                                             "/~1",
                                             "/01",
                                             "/a~1b",
                                             "/phases/-",
                                             "/phase/0/complete"};
        for (const char* e : extras) pointers_.emplace_back(e);
        if (opt.deep_marker) {  // "^/0" is the document wrapped in arrays (fuzz_engine)
            const std::size_t n = pointers_.size();
            for (std::size_t i = 0; i < n; ++i) pointers_.push_back("^/0" + pointers_[i]);
            pointers_.emplace_back("^");
            pointers_.emplace_back("^/-");
            pointers_.emplace_back("^/1");
        }
    }

    // Mutates `patch` (an array of operations) in place.
    void mutate(Document& patch) {
        auto& a = patch.GetAllocator();
        const std::size_t rounds = 1 + rnd_.below(3);
        for (std::size_t round = 0; round < rounds; ++round) {
            const std::size_t n = patch.Size();
            switch (n == 0 ? 0 : rnd_.below(12)) {
            case 0:
            case 1: {  // a new operation anywhere
                Value op = make_op(a);
                insert(patch, rnd_.below(n + 1), op, a);
                break;
            }
            case 2: patch.Erase(patch.Begin() + static_cast<std::ptrdiff_t>(rnd_.below(n))); break;
            case 3: {  // the same operation again, sometimes many times (copy chains, growth)
                const std::size_t i = rnd_.below(n);
                const std::size_t times = rnd_.one_in(4) ? 2 + rnd_.below(30) : 1;
                for (std::size_t t = 0; t < times && patch.Size() < 200; ++t) {
                    Value copy(patch[static_cast<rapidjson::SizeType>(i)], a);
                    insert(patch, i + 1, copy, a);
                }
                break;
            }
            case 4: {
                const auto i = static_cast<rapidjson::SizeType>(rnd_.below(n));
                const auto j = static_cast<rapidjson::SizeType>(rnd_.below(n));
                patch[i].Swap(patch[j]);
                break;
            }
            case 5: set_op(patch[pick(n)], a); break;
            case 6:
            case 7: set_pointer(patch[pick(n)], "path", a); break;
            case 8: set_pointer(patch[pick(n)], "from", a); break;
            case 9:
            case 10: set_value(patch[pick(n)], a); break;
            default: break_member(patch[pick(n)], a); break;
            }
        }
    }

    Value make_op(Document::AllocatorType& a) {
        Value op(rapidjson::kObjectType);
        static const char* const names[] = {"add", "remove", "replace", "move", "copy", "test"};
        const char* name = rnd_.pick(names);
        op.AddMember("op", Value(name, a), a);
        if (std::strcmp(name, "move") == 0 || std::strcmp(name, "copy") == 0)
            op.AddMember("from", Value(pointer().c_str(), a), a);
        op.AddMember("path", Value(pointer().c_str(), a), a);
        if (std::strcmp(name, "add") == 0 || std::strcmp(name, "replace") == 0 ||
            std::strcmp(name, "test") == 0) {
            Value v = value(a);
            op.AddMember("value", v, a);
        }
        return op;
    }

private:
    rapidjson::SizeType pick(std::size_t n) {
        return static_cast<rapidjson::SizeType>(rnd_.below(n));
    }

    static void insert(Document& patch, std::size_t at, Value& v, Document::AllocatorType& a) {
        patch.PushBack(v, a);
        for (std::size_t k = patch.Size() - 1; k > at; --k)
            patch[static_cast<rapidjson::SizeType>(k)].Swap(
                patch[static_cast<rapidjson::SizeType>(k - 1)]);
    }

    std::string pointer() {
        std::string p = pointers_[rnd_.below(pointers_.size())];
        switch (rnd_.below(8)) {
        case 0: p += "/-"; break;
        case 1: p += "/0"; break;
        case 2: {
            const std::size_t slash = p.rfind('/');
            if (slash != std::string::npos) p.resize(slash);
            break;
        }
        case 3: p = bytes(p, 8); break;
        default: break;
        }
        return p;
    }

    Value value(Document::AllocatorType& a) {
        switch (rnd_.below(10)) {
        case 0:
        case 1: {
            static const char* const scalars[] = {"null",
                                                  "true",
                                                  "false",
                                                  "0",
                                                  "-0",
                                                  "1",
                                                  "-1",
                                                  "1.0",
                                                  "1.5",
                                                  "0.1",
                                                  "1e308",
                                                  "-1e-320",
                                                  "18446744073709551615",
                                                  "-9223372036854775808",
                                                  "9223372036854775808",
                                                  "9007199254740993",
                                                  "9007199254740992.0",
                                                  "\"\"",
                                                  "\"x\"",
                                                  "\"\\u0000\"",
                                                  "\"~1/\"",
                                                  "\"\\ud83d\\ude00\"",
                                                  "{}",
                                                  "[]",
                                                  "{\"a\":[1,{\"b\":null}]}",
                                                  "[[]]"};
            return parse(rnd_.pick(scalars), a);
        }
        case 2: {  // nesting around the depth limits (64 for patches by default)
            const std::size_t d = 55 + rnd_.below(15);
            return parse(std::string(d, '[') + std::string(d, ']'), a);
        }
        case 3: return Value(std::string(1 + rnd_.below(3000), 'x').c_str(), a);
        case 4:
        case 5:
        case 6:
            if (doc_ != nullptr) {
                const Value* sub = pick_subtree(*doc_, rnd_);
                if (sub != nullptr) return Value(*sub, a);
            }
            return Value(true);
        default: return Value(static_cast<int64_t>(rnd_.below(8)));
        }
    }

    static Value parse(const std::string& text, Document::AllocatorType& a) {
        Document d;
        if (!parse_document(text, d, 200)) return Value();
        return Value(d, a);
    }

    void set_op(Value& op, Document::AllocatorType& a) {
        if (!op.IsObject()) {
            op = make_op(a);
            return;
        }
        static const char* const names[] = {"add",  "remove", "replace", "move",  "copy",
                                            "test", "Add",    "",        "moves", "test "};
        Value* slot = find_member(op, "op");
        Value name(rnd_.below(10) < 8 ? names[rnd_.below(6)] : names[6 + rnd_.below(4)], a);
        if (slot != nullptr) {
            *slot = name;
        } else {
            op.AddMember("op", name, a);
        }
    }

    void set_pointer(Value& op, const char* member, Document::AllocatorType& a) {
        if (!op.IsObject()) return;
        Value* slot = find_member(op, member);
        if (slot != nullptr && rnd_.one_in(12)) {
            op.RemoveMember(member);
            return;
        }
        Value p(pointer().c_str(), a);
        if (slot != nullptr) {
            *slot = p;
        } else {
            op.AddMember(Value(member, a), p, a);
        }
    }

    void set_value(Value& op, Document::AllocatorType& a) {
        if (!op.IsObject()) return;
        Value* slot = find_member(op, "value");
        if (slot != nullptr && rnd_.one_in(8)) {
            op.RemoveMember("value");
            return;
        }
        Value v;
        if (slot != nullptr && rnd_.one_in(4)) {
            v.SetArray();  // wrap the current value
            Value old(*slot, a);
            v.PushBack(old, a);
        } else if (slot != nullptr && rnd_.one_in(4)) {
            Document d;  // a byte-level change that still parses
            if (parse_document(bytes(serialize(*slot), 16), d, 200))
                v.CopyFrom(d, a);
            else
                v.CopyFrom(*slot, a);
        } else {
            v = value(a);
        }
        if (slot != nullptr) {
            *slot = v;
        } else {
            op.AddMember("value", v, a);
        }
    }

    // Rarely: what a confused client sends.
    void break_member(Value& op, Document::AllocatorType& a) {
        if (!op.IsObject()) return;
        switch (rnd_.below(4)) {
        case 0: op.AddMember("op", "add", a); break;  // a duplicate name
        case 1: op.AddMember("extra", Value(static_cast<int64_t>(rnd_.below(3))), a); break;
        case 2: {
            static const char* const names[] = {"op", "path", "from", "value"};
            op.RemoveMember(rnd_.pick(names));
            break;
        }
        default: {
            Value* path = find_member(op, "path");
            if (path != nullptr) path->SetInt(1);  // wrong type
            break;
        }
        }
    }

    random& rnd_;
    const Value* doc_;
    std::vector<std::string> pointers_;
};

inline std::size_t write(std::uint8_t* data, std::size_t max_size, const std::string& out) {
    if (out.size() > max_size) return 0;
    std::memcpy(data, out.data(), out.size());
    return out.size();
}

}  // namespace mutation

inline std::size_t mutate(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                          const mutator_options& opt) {
    using namespace mutation;
    random rnd(seed);
    const auto byte_level = [&] {
        return LLVMFuzzerMutate != nullptr ? LLVMFuzzerMutate(data, size, max_size) : size;
    };
    if (rnd.one_in(5)) return byte_level();

    const split_input in = split(data, size, opt.has_params);
    const bool had_nul = in.patch.size() < size;
    std::string document(in.document);
    std::string params(in.params);
    if (rnd.one_in(10)) {
        document = bytes(document, 64);
    } else if (opt.has_params && rnd.one_in(6)) {
        params = bytes(params.empty() ? std::string(3, '\0') : params, 4);
    }

    Document doc;
    const bool have_doc = parse_document(document, doc, 200);
    Document patch;
    if (!parse_document(in.patch, patch, 200) ||
        !(patch.IsArray() || (opt.envelopes && patch.IsObject())))
        patch.SetArray();
    patch_mutator m(opt, rnd, have_doc ? &doc : nullptr);
    Value* ops = &patch;
    if (patch.IsObject()) ops = find_member(patch, "patch");
    if (ops != nullptr && ops->IsArray()) {
        Document array(rapidjson::kArrayType);
        array.CopyFrom(*ops, array.GetAllocator());
        m.mutate(array);
        ops->CopyFrom(array, patch.GetAllocator());
    }
    if (opt.envelopes && rnd.one_in(20)) {
        if (patch.IsArray()) {  // wrap in an envelope
            Document env(rapidjson::kObjectType);
            env.AddMember("comment", "fuzz", env.GetAllocator());
            env.AddMember("patch", Value(patch, env.GetAllocator()), env.GetAllocator());
            patch.Swap(env);
        } else if (ops != nullptr) {
            Document inner;
            inner.CopyFrom(*ops, inner.GetAllocator());
            patch.Swap(inner);
        }
    }

    std::string out = serialize(patch);
    if (had_nul || !document.empty() || opt.has_params) {
        out += '\0';
        out += document;
        if (opt.has_params && (!params.empty() || !in.params.empty() || rnd.one_in(4))) {
            out += '\0';
            out += params.empty() ? std::string(1, static_cast<char>(rnd.below(256))) : params;
        }
    }
    const std::size_t n = write(data, max_size, out);
    return n != 0 ? n : byte_level();
}

}  // namespace relpatch_fuzz

#ifndef RELPATCH_FUZZ_NO_CUSTOM_MUTATOR
#define RELPATCH_FUZZ_MUTATOR(...)                                                        \
    extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,  \
                                                   std::size_t max_size, unsigned seed) { \
        return relpatch_fuzz::mutate(data, size, max_size, seed,                          \
                                     relpatch_fuzz::mutator_options{__VA_ARGS__});        \
    }
#else
#define RELPATCH_FUZZ_MUTATOR(...)
#endif

#endif
