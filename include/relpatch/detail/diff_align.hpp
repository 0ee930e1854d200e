#ifndef RELPATCH_DETAIL_DIFF_ALIGN_HPP
#define RELPATCH_DETAIL_DIFF_ALIGN_HPP

// The alignment of two arrays that diff keeps: a longest common subsequence of their elements,
// compared by hash, found with Myers' greedy algorithm ("An O(ND) Difference Algorithm and Its
// Variations", 1986) after the common prefix and suffix are trimmed. Time O((N + M) D) and
// memory O(D^2) for D inserted and removed elements; past a bound on D, or on the work it
// takes, it gives up so the caller can fall back to pairing elements by index.

#include <relpatch/error.hpp>
#include <relpatch/detail/diff_nodes.hpp>
#include <relpatch/detail/value.hpp>

#include <cstddef>
#include <cstdint>

namespace relpatch {
namespace detail {

// Elements a[i] and b[j] kept: the same value on both sides.
struct kept_pair {
    std::size_t i;
    std::size_t j;
};

// Aligns `a` (n hashes) with `b` (m hashes) into `keep` (increasing in i and in j). `aligned`
// is false when the edit distance passes `max_d`, or the search would cost more than `budget`
// units; `keep` is then empty. Every unit spent is also charged to `work`.
// Errors: work_limit_exceeded, out_of_memory.
inline errc align(const std::uint64_t* a, std::size_t n, const std::uint64_t* b, std::size_t m,
                  std::size_t max_d, std::size_t budget, work_meter& work,
                  pod_vector<kept_pair>& keep, bool& aligned) noexcept {
    keep.clear();
    aligned = false;
    const auto give_up = [&keep](errc e) noexcept {
        keep.clear();
        return e;
    };
    std::size_t prefix = 0;
    while (prefix < n && prefix < m && a[prefix] == b[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix])
        ++suffix;
    if (!work.charge(prefix + suffix + 1)) return errc::work_limit_exceeded;
    if (!keep.reserve(prefix + suffix + (n < m ? n : m))) return errc::out_of_memory;
    for (std::size_t k = 0; k < prefix; ++k) keep.push_back(kept_pair{k, k});

    // The middle: x indexes a + prefix, y indexes b + prefix.
    const std::uint64_t* const x_seq = a + prefix;
    const std::uint64_t* const y_seq = b + prefix;
    const std::int64_t big_n = static_cast<std::int64_t>(n - prefix - suffix);
    const std::int64_t big_m = static_cast<std::int64_t>(m - prefix - suffix);
    if (big_n > 0 && big_m > 0) {
        // Positions are stored as int32: refuse sizes where they would not fit.
        if (big_n + big_m >= (std::int64_t{1} << 30)) return give_up(errc::success);
        std::int64_t d_max = big_n + big_m;
        if (static_cast<std::uint64_t>(d_max) > max_d) d_max = static_cast<std::int64_t>(max_d);
        // V[k] for k in [-(d_max + 1), d_max + 1]; trace[d] holds V for k in [-d-1, d+1] as it
        // was before step d, at offset d^2 + 2d.
        const std::int64_t offset = d_max + 1;
        pod_vector<std::int32_t> v;
        if (!v.resize(static_cast<std::size_t>(2 * d_max + 3), 0)) return errc::out_of_memory;
        pod_vector<std::int32_t> trace;
        std::int32_t* const vk = v.data() + offset;  // vk[k] is V[k]
        std::size_t spent = 0;
        std::int64_t found = -1;
        for (std::int64_t d = 0; d <= d_max && found < 0; ++d) {
            const std::size_t step = static_cast<std::size_t>(2 * d + 3);
            spent += step;
            if (spent > budget)
                return give_up(work.charge(step) ? errc::success : errc::work_limit_exceeded);
            if (!work.charge(step)) return errc::work_limit_exceeded;
            if (!trace.append(v.data() + (offset - d - 1), step)) return errc::out_of_memory;
            for (std::int64_t k = -d; k <= d; k += 2) {
                std::int64_t x;
                if (k == -d || (k != d && vk[k - 1] < vk[k + 1]))
                    x = vk[k + 1];  // down: b[y] inserted
                else
                    x = vk[k - 1] + 1;  // right: a[x] removed
                std::int64_t y = x - k;
                const std::int64_t start = x;
                while (x < big_n && y < big_m && x_seq[x] == y_seq[y]) {
                    ++x;
                    ++y;
                }
                const auto run = static_cast<std::size_t>(x - start);
                spent += run;
                if (spent > budget)
                    return give_up(work.charge(run) ? errc::success : errc::work_limit_exceeded);
                if (!work.charge(run)) return errc::work_limit_exceeded;
                vk[k] = static_cast<std::int32_t>(x);
                if (x >= big_n && y >= big_m) {
                    found = d;
                    break;
                }
            }
        }
        if (found < 0) return give_up(errc::success);

        // Walk back from (N, M), collecting the diagonals (kept pairs) in reverse.
        const std::size_t middle_begin = keep.size();
        std::int64_t x = big_n;
        std::int64_t y = big_m;
        for (std::int64_t d = found; d >= 0; --d) {
            const std::int32_t* t = trace.data() + (d * d + 2 * d);  // t[k + d + 1] is V[k]
            const std::int64_t k = x - y;
            const std::int64_t prev_k =
                (k == -d || (k != d && t[k - 1 + d + 1] < t[k + 1 + d + 1])) ? k + 1 : k - 1;
            const std::int64_t prev_x = t[prev_k + d + 1];
            const std::int64_t prev_y = prev_x - prev_k;
            while (x > prev_x && y > prev_y && x > 0 && y > 0) {
                --x;
                --y;
                keep.push_back(kept_pair{prefix + static_cast<std::size_t>(x),
                                         prefix + static_cast<std::size_t>(y)});
            }
            x = prev_x;
            y = prev_y;
        }
        for (std::size_t lo = middle_begin, hi = keep.size(); lo + 1 < hi; ++lo, --hi) {
            const kept_pair t = keep[lo];
            keep[lo] = keep[hi - 1];
            keep[hi - 1] = t;
        }
    }
    for (std::size_t k = 0; k < suffix; ++k)
        keep.push_back(kept_pair{n - suffix + k, m - suffix + k});
    aligned = true;
    return errc::success;
}

}  // namespace detail
}  // namespace relpatch

#endif
