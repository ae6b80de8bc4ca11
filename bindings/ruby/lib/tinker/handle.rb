# frozen_string_literal: true

module Tinker
  # Owns one native pointer. Calls borrow it through #use; #close waits until no call uses it and
  # then frees it once. A finalizer frees handles that were never closed (libtinker allows freeing
  # in any order, from any thread).
  class Handle
    def initialize(ptr, free_function)
      @ptr = ptr
      @free_function = free_function
      @lock = Mutex.new
      @idle = ConditionVariable.new
      @users = 0
      @closing = false
      ObjectSpace.define_finalizer(self, Handle.releaser(free_function, ptr))
    end

    def self.releaser(free_function, ptr)
      proc { Raw.public_send(free_function, ptr) }
    end

    def closing?
      @closing
    end

    def use
      ptr = @lock.synchronize do
        raise Tinker.closed_error if @closing

        @users += 1
        @ptr
      end
      begin
        yield ptr
      ensure
        @lock.synchronize do
          @users -= 1
          @idle.broadcast if @users.zero?
        end
      end
    end

    # Frees the pointer once no call uses it. The block (optional) ends blocking calls of other
    # threads (cancel a future, wake a queue); it is repeated while calls remain, because a queue
    # wakeup wakes one waiter at a time.
    def close
      ptr = @lock.synchronize do
        return nil if @closing

        @closing = true
        @ptr
      end
      @lock.synchronize do
        loop do
          yield ptr if block_given?
          break if @users.zero?

          @idle.wait(@lock, 0.05)
        end
      end
      ObjectSpace.undefine_finalizer(self)
      Raw.public_send(@free_function, ptr)
      @ptr = nil
    end
  end
end
