package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.Channel;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a {@link Channel} in unit tests: it records each call and answers with nothing (or with
 * {@link #confirmFailure} from {@code waitForConfirmsOrDie}). The integration tests use real brokers instead.
 */
final class RecordingChannel {

    /** One call on the channel: the method's name and its arguments. */
    record Call(String method, List<Object> args) {
        Object arg(int i) {
            return args.get(i);
        }
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Thrown by waitForConfirmsOrDie when set: a broker that did not confirm. */
    volatile Exception confirmFailure;

    final Channel channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(),
            new Class<?>[] {Channel.class}, (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return method.getName().equals("equals") ? proxy == args[0]
                            : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "RecordingChannel";
                }
                calls.add(new Call(method.getName(), args == null ? List.of() : Arrays.asList(args)));
                if (method.getName().equals("waitForConfirmsOrDie") && confirmFailure != null) {
                    throw confirmFailure;
                }
                return answer(method.getName(), method.getReturnType());
            });

    /** The answer to every call: open, and zero or nothing otherwise. */
    private static Object answer(String method, Class<?> type) {
        if (type == boolean.class) {
            return method.equals("isOpen");
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }

    List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    List<String> methods() {
        return calls.stream().map(Call::method).toList();
    }
}
