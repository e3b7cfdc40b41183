#pragma once
// Small, distinct notification envelopes for tests that post many of them.

#include <string>

namespace rcvault::test {

// Returns an instant-SMS notification envelope with this uuid and message id.
inline std::string sms_envelope(const std::string& uuid, const std::string& message_id) {
  return R"({"uuid":")" + uuid +
         R"(","event":"/restapi/v1.0/account/~/extension/823476228762/message-store/instant?type=SMS",)"
         R"("subscriptionId":"dc853541-66ac-45d8-a289-1a239fd72888","ownerId":"823476228762",)"
         R"("timestamp":"2025-03-01T10:00:00.000Z","body":{"id":")" +
         message_id +
         R"(","to":[{"phoneNumber":"+18664320001","name":"Desk","location":"San Mateo, CA"}],)"
         R"("from":{"phoneNumber":"+16505550100","name":"Jane Doe"},"type":"SMS",)"
         R"("creationTime":"2025-03-01T09:59:50.000Z","lastModifiedTime":"2025-03-01T09:59:50.000Z",)"
         R"("readStatus":"Unread","priority":"Normal","attachments":[{"id":")" +
         message_id +
         R"(","type":"Text","contentType":"text/plain"}],"direction":"Inbound","availability":"Alive",)"
         R"("subject":"hello there","messageStatus":"Received","conversationId":"1234567890"}})";
}

}  // namespace rcvault::test
