# frozen_string_literal: true

module Tinker
  # Owns one native pointer. Calls borrow it through #use; #close waits until no call uses it and
  # then frees it once. A finalizer frees handles that were never closed (libtinker allows freeing
  # in any order, from any thread).
  # @api private
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

    # Never the pointer: "#<Tinker::Handle tinker_future open>" (or "closed").
    def inspect
      "#<Tinker::Handle #{@free_function.to_s.delete_suffix('_free')} #{@closing ? 'closed' : 'open'}>"
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
  private_constant :Handle

  # The inspect of an object that owns a Handle: its class, `fields` (name => value, inspected)
  # and "closed" once closed; never a pointer.
  # @api private
  def self.inspect_object(object, handle, fields = {})
    parts = fields.map { |name, value| "#{name}=#{value.inspect}" }
    parts << "closed" if handle.closing?
    "#<#{[object.class.name, *parts].join(' ')}>"
  end
end
