package dev.tally.messaging.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body a receiver gets: {@code {"type": "message.send", "id", "campaign_id", "occurrence",
 * "body", "contact"}}, ids as JSON strings so a JavaScript receiver keeps every digit of a 64-bit
 * id. These exact bytes are signed and sent.
 */
final class WebhookPayload {
  static final String TYPE = "message.send";
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookPayload() {}

  static byte[] of(WebhookSend send) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("type", TYPE);
    payload.put("id", Long.toString(send.sendId()));
    payload.put("campaign_id", Long.toString(send.campaignId()));
    payload.put("occurrence", Long.toString(send.occurrence()));
    payload.put("body", send.body());
    payload.set("contact", send.contact());
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      // A tree of Jackson nodes always serializes.
      throw new IllegalStateException("cannot serialize the webhook payload of " + send, e);
    }
  }
}
