// rabbitmq-c (Debian's librabbitmq-dev 0.11): RabbitMQ's own AMQP 0-9-1 client.
// Swift cannot call C variadic functions or read the frame union's method
// payload by name, so the two spots that need it get small inline helpers.
#include <amqp.h>
#include <amqp_tcp_socket.h>

/// amqp_login with SASL PLAIN (amqp_login is variadic).
static inline amqp_rpc_reply_t portcullis_amqp_login(amqp_connection_state_t state, const char *vhost,
                                                     const char *user, const char *password) {
    return amqp_login(state, vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, user, password);
}

/// What a frame says about publisher confirms: 1 ack, 2 nack (tag and
/// multiple filled in), 3 the broker closed the channel or connection,
/// 0 anything else.
static inline int portcullis_amqp_confirm(const amqp_frame_t *frame, uint64_t *tag, int *multiple) {
    if (frame->frame_type != AMQP_FRAME_METHOD) return 0;
    switch (frame->payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
        const amqp_basic_ack_t *ack = (const amqp_basic_ack_t *)frame->payload.method.decoded;
        *tag = ack->delivery_tag; *multiple = ack->multiple;
        return 1;
    }
    case AMQP_BASIC_NACK_METHOD: {
        const amqp_basic_nack_t *nack = (const amqp_basic_nack_t *)frame->payload.method.decoded;
        *tag = nack->delivery_tag; *multiple = nack->multiple;
        return 2;
    }
    case AMQP_CHANNEL_CLOSE_METHOD:
    case AMQP_CONNECTION_CLOSE_METHOD:
        return 3;
    default:
        return 0;
    }
}

/// Persistent, JSON, with a message id (the event's jti).
static inline amqp_basic_properties_t portcullis_amqp_properties(const char *message_id) {
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;
    props.message_id = amqp_cstring_bytes(message_id);
    return props;
}
