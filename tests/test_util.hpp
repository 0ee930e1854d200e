#ifndef RELPATCH_TESTS_TEST_UTIL_HPP
#define RELPATCH_TESTS_TEST_UTIL_HPP

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace relpatch_test {

template <class V>
std::basic_string<typename V::Ch> serialize(const V& v) {
    using E = typename V::EncodingType;
    RAPIDJSON_NAMESPACE::GenericStringBuffer<E> sb;
    RAPIDJSON_NAMESPACE::Writer<RAPIDJSON_NAMESPACE::GenericStringBuffer<E>, E, E> w(sb);
    v.Accept(w);
    return std::basic_string<typename V::Ch>(sb.GetString(), sb.GetSize() / sizeof(typename V::Ch));
}

inline rapidjson::Document parse(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    if (d.HasParseError()) throw std::runtime_error("test JSON does not parse: " + text);
    return d;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline const char* release_example() {
    return R"({"name":"r","phases":[
        {"_id":"a","complete":true,"configuration":{}},
        {"_id":"b","complete":false,"configuration":{}},
        {"_id":"c","complete":false,"configuration":{}}],"_version":1})";
}

}  // namespace relpatch_test

#endif
