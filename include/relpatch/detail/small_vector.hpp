#ifndef RELPATCH_DETAIL_SMALL_VECTOR_HPP
#define RELPATCH_DETAIL_SMALL_VECTOR_HPP

// A vector that keeps its first N elements inline, so short patches never touch the heap.
// Only what the engine needs. Memory is reserved up front, where running out can still be
// refused cleanly; emplace_back then never allocates.

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

namespace relpatch {
namespace detail {

template <class T, std::size_t N>
class small_vector {
    static_assert(std::is_nothrow_move_constructible<T>::value,
                  "small_vector relocates elements by moving them");

public:
    small_vector() noexcept = default;
    small_vector(const small_vector&) = delete;
    small_vector& operator=(const small_vector&) = delete;
    ~small_vector() {
        clear();
        if (data_ != inline_data()) std::free(data_);
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    T* begin() noexcept { return data_; }
    T* end() noexcept { return data_ + size_; }
    T& back() noexcept { return data_[size_ - 1]; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }

    std::size_t capacity() const noexcept { return capacity_; }

    // Makes room for `n` elements in all. Returns false when memory runs out.
    bool reserve(std::size_t n) noexcept {
        if (n <= capacity_) return true;
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) return false;
        T* fresh = static_cast<T*>(std::malloc(n * sizeof(T)));
        if (fresh == nullptr) return false;
        for (std::size_t i = 0; i < size_; ++i) {
            ::new (static_cast<void*>(fresh + i)) T(std::move(data_[i]));
            data_[i].~T();
        }
        if (data_ != inline_data()) std::free(data_);
        data_ = fresh;
        capacity_ = n;
        return true;
    }

    // Precondition: size() < capacity().
    template <class... Args>
    void emplace_back(Args&&... args) noexcept {
        ::new (static_cast<void*>(data_ + size_)) T(std::forward<Args>(args)...);
        ++size_;
    }
    // Appends, growing by half again when full. False (and nothing appended) when memory runs
    // out.
    template <class... Args>
    bool push_back(Args&&... args) noexcept {
        if (size_ == capacity_ && !reserve(capacity_ + capacity_ / 2 + 8)) return false;
        emplace_back(std::forward<Args>(args)...);
        return true;
    }
    void pop_back() noexcept {
        --size_;
        data_[size_].~T();
    }
    void clear() noexcept {
        while (size_ > 0) pop_back();
    }

private:
    T* inline_data() noexcept { return reinterpret_cast<T*>(storage_); }

    alignas(T) unsigned char storage_[sizeof(T) * N];
    T* data_ = inline_data();
    std::size_t size_ = 0;
    std::size_t capacity_ = N;
};

}  // namespace detail
}  // namespace relpatch

#endif
