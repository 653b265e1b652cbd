#!/usr/bin/env bash
# walk.sh PORT LOG — walks every call of the client contract against a `make run` server, then hostile inputs.
# Needs bash, curl, jq. LOG is the file holding the server's stdout+stderr (console SMS codes are read from it).
# REPO=<path> (optional) is only used to print where the docs are. Env of the walk goes to /tmp/walk.env.
set -u
PORT=${1:?usage: walk.sh PORT LOG}; LOG=${2:?usage: walk.sh PORT LOG}
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
A="http://127.0.0.1:$PORT"
WORK=$(mktemp -d /tmp/walk.XXXXXX); trap 'rm -rf "$WORK"' EXIT
BODYF=$WORK/body; HDRF=$WORK/headers
TOTAL=0; OK=0; FIVE=0; FAILED=()
J=(-H 'Content-Type: application/json' -H 'Accept: application/json')

# step NAME EXPECTED METHOD PATH [curl args...]  — EXPECTED is a status or a set "200|201"; sets CODE BODY
step() {
  local name=$1 exp=$2 m=$3 p=$4; shift 4
  CODE=$(curl -s -g -o "$BODYF" -D "$HDRF" -w '%{http_code}' --max-time 60 -X "$m" "$A$p" "$@" 2>/dev/null)
  [[ -z "$CODE" ]] && CODE=000
  BODY=$(tr -d '\000' <"$BODYF" 2>/dev/null)
  TOTAL=$((TOTAL+1))
  local mark=ok
  if [[ "|$exp|" == *"|$CODE|"* ]]; then OK=$((OK+1)); else mark=MISMATCH; FAILED+=("$name: $m $p expected $exp got $CODE"); fi
  [[ "$CODE" =~ ^5 || "$CODE" == 000 ]] && { FIVE=$((FIVE+1)); [[ $mark == ok ]] && FAILED+=("$name: $m $p got $CODE"); mark="$mark 5XX"; }
  local shown=${p:0:90}; shown=${shown//$'\n'/}
  printf '%-4s %-9s %-38s %-6s %-92s exp=%-15s got=%s\n' "$TOTAL" "$mark" "$name" "$m" "$shown" "$exp" "$CODE"
  if [[ $mark != ok ]]; then printf '      body: %s\n' "$(printf '%s' "$BODY" | head -c 300)"; fi
}
# shape NAME JQ — a contract check on the last answer (what the app reads), counted as a step
shape() {
  TOTAL=$((TOTAL+1))
  if printf '%s' "$BODY" | jq -e "$2" >/dev/null 2>&1; then OK=$((OK+1)); printf '%-4s %-9s %-38s %-6s %s\n' "$TOTAL" ok "$1" SHAPE "$2"
  else FAILED+=("$1: shape $2"); printf '%-4s %-9s %-38s %-6s %s\n      body: %s\n' "$TOTAL" MISMATCH "$1" SHAPE "$2" "$(printf '%s' "$BODY" | head -c 300)"; fi
}
jf() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }   # read a field of the last answer
auth() { AUTH=(-H "Authorization: Bearer $1"); }

PIC=$WORK/pic.png
base64 -d >"$PIC" <<'B64'
iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAMAAABEpIrGAAAAkFBMVEUAAAAQM0QWNUYWNkYXNkYALjoWNUYYOEUXN0YaPEUPMUAUM0QVNUYWNkYWNUYWNUUWNUYVNEYWNkYWNUYWM0eF6i0XNkchR0OB5SwzZj9wyTEvXkA3az5apTZ+4C5DgDt31C9frjU5bz5uxTI/eDxzzjAmT0IsWUEeQkVltzR62S6D6CxIhzpKijpJiDpOkDl4b43lAAAAFXRSTlMAFc304QeZ/vj+ECB3xKlGilPXvS2Ka/h0AAABfklEQVR42oVT2XaCMBAdJRAi7pYJa2QHxbb//3ctSSAUPfa+THLmzj4DBvZpvyauS9b7kw3PWDkWsrD6fFQhQ9dZLfVbC5M88CWCPERr+8fLZodJ5M8QJbjbGL1H2M1fIGfEm+wJN+bGCSc6EXtNS/8FSrq2VX6YDv++XLpJ8SgDWMnwqznGo6alcTbIxB2CHKn8VFikk2mMV2lEnV+CJd9+jJlxXmMr5dW14YCqwgbFpO8FNvJxwwM4TPWPo5QalEsRMAcusXpi58/QUEWPL0AK1ThM5oQCUyXPoPINkdd922VBw4XgTV9zDGWWFrgjIQs4vwvOg6xr+6gbCTqE+DYhlMGX0CF2OknK5gQ2JrkDh/W6TOEbYDeVecKbJtyNXiCfGmW7V93J2hDus1bDfhxWbIZVYDXITA7Lo6E0Ktgg9eB4KWuR44aj7ppBVPazhQH7/M/KgWe9X1qAg8XypT6nxIMJH+T94QCsLvj29IYwZxyO9/F8vCbO9tX5/wDGjEZ7vrgFZwAAAABJRU5ErkJggg==
B64

# -- sign-in by phone + console SMS code ----------------------------------------------------------------
# The console SMS adapter prints "[console-sms] to +91********NN: Your Loopin code is 1234. ..." (last two
# digits only), so every phone of one walk ends in different digits and the log is read from where we asked.
code_for() {  # code_for PHONE FROM_LINE
  local tail2=${1: -2} i line
  for i in $(seq 1 50); do
    line=$(tail -n +"$2" "$LOG" | grep -a "\[console-sms\] to .*$tail2: " | tail -1)
    [[ -n "$line" ]] && { sed -E 's/.* code is ([0-9]{4}).*/\1/' <<<"$line"; return 0; }
    sleep 0.2
  done
  echo ""
}
signin() {  # signin LABEL PHONE  → TOKEN, UID_
  local from; from=$(( $(wc -l <"$LOG") + 1 ))
  step "$1.signup" 200 POST /api/auth/signup "${J[@]}" -d "{\"phone_number\":\"$2\"}"
  local code; code=$(code_for "$2" "$from")
  [[ -z "$code" ]] && echo "      (no code for $2 in $LOG)"
  step "$1.verify-otp" 200 POST /api/auth/verify-otp "${J[@]}" -d "{\"phone_number\":\"$2\",\"otp_code\":\"$code\"}"
  shape "$1.verify-otp-shape" '.success==true and (.token|split(".")|length==3) and (.token|split(".")[1]|gsub("-";"+")|gsub("_";"/")|@base64d|fromjson|(.user_id!=null and (.phone_number|startswith("+"))))'
  TOKEN=$(jf .token); UID_=$(jf .data.user_id)
}
onboard() {  # onboard LABEL PHONE NAME GENDER → TOKEN UID_
  signin "$1" "$2"; auth "$TOKEN"
  step "$1.profile" 200 GET /api/auth/profile "${AUTH[@]}" "${J[@]}"
  step "$1.event-interests" 200 GET /api/auth/event-interests "${AUTH[@]}" "${J[@]}"
  shape "$1.event-interests-shape" '.success==true and (.data|type=="array") and (.data[0].name|type=="string")'
  local ints; ints=$(jf '[.data[0].id,.data[1].id]|tostring')
  step "$1.complete-profile" 200 POST /api/auth/complete-profile "${AUTH[@]}" -H 'Accept: application/json' \
    -F "phone_number=$2" -F "name=$3" -F birth_date=1999-04-12 -F "gender=$4" -F "event_interests=$ints" \
    -F "profile_pictures=@$PIC;filename=image_1.png;type=image/png"
  step "$1.profile-active" 200 GET /api/auth/profile "${AUTH[@]}" "${J[@]}"
  [[ $(jf .is_active) == true ]] || echo "      note: $1 is not active after completing the profile"
  step "$1.device-register" "201|200" POST /api/notifications/devices/register "${AUTH[@]}" "${J[@]}" \
    -d "{\"onesignal_player_id\":\"player-$1-$RANDOM$RANDOM\",\"platform\":\"android\"}"
}

R4=$(printf '%04d' $((RANDOM % 10000)))
P_HOST="+9198${R4}0011"; P_GUEST="+9198${R4}0022"; P_BUYER="+9198${R4}0033"; P_INV="+9198${R4}0044"; P_OTHER="+9198${R4}0055"
STAFF_PHONE=$(grep -a -oE 'sign in as (staff|a superuser) with \+[0-9]+' "$LOG" | tail -1 | grep -oE '\+[0-9]+')
STAFF_PHONE=${STAFF_PHONE:-+919000000001}
echo "== walk of $A (docs: $REPO/docs, contract: the spec's client-contract.md); staff phone $STAFF_PHONE"

echo "-- onboarding"
onboard host "$P_HOST" "Asha Rao" female; HOST=$TOKEN; HOST_ID=$UID_
onboard guest "$P_GUEST" "Ravi Kumar" male; GUEST=$TOKEN; GUEST_ID=$UID_
onboard buyer "$P_BUYER" "Meera Shah" female; BUYER=$TOKEN; BUYER_ID=$UID_
onboard invitee "$P_INV" "Kabir Das" male; INV=$TOKEN; INV_ID=$UID_
onboard other "$P_OTHER" "Zoya Ali" other; OTHER=$TOKEN; OTHER_ID=$UID_

echo "-- events (host)"
auth "$HOST"; H=("${AUTH[@]}")
START=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%S.000Z)
START_PAID=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%S.000Z)
step venue.create "201|200" POST /api/events/venues "${H[@]}" "${J[@]}" \
  -d '{"name":"Carter Road Amphitheatre","address":"Carter Rd, Bandra West","city":"Mumbai","latitude":19.0651,"longitude":72.8225,"country_code":"IN"}'
VENUE_ID=$(jf '.data.id // .id')
step venue.list 200 GET /api/events/venues "${H[@]}" "${J[@]}"
step venue.get 200 GET "/api/events/venues/$VENUE_ID" "${H[@]}" "${J[@]}"
app_event() {  # app_event LABEL TITLE START IS_PAID PRICE CAPACITY → EVENT
  step "$1" "201|200" POST /api/events "${H[@]}" -H 'Accept: application/json' \
    -F "title=$2" -F 'description=Open jam by the sea' -F "start_time=$3" -F duration_hours=3.0 \
    -F 'venue_name=Carter Road' -F 'location_address=Carter Rd, Bandra West, Mumbai' -F 'location_city=Carter Road' \
    -F location_latitude=19.0651 -F location_longitude=72.8225 -F location_place_id=ChIJwalk -F location_country_code=IN \
    -F "max_capacity=$6" -F "is_paid=$4" -F "ticket_price=$5" -F platform_fee=0.0 -F allow_plus_one=true \
    -F gst_number= -F allowed_genders=all -F status=draft -F is_public=true -F 'event_interest_ids=[]' \
    -F "cover_images=@$PIC;filename=image_0.png;type=image/png"
  EVENT=$(jf .id)
}
app_event event.create-free "Sunset Jam $R4" "$START" false 0.0 20; FREE=$EVENT
app_event event.create-paid "Rooftop Gig $R4" "$START_PAID" true 500.0 20; PAID=$EVENT
app_event event.create-small "Tiny Table $R4" "$START" false 0.0 1; SMALL=$EVENT
step event.feed 200 GET /api/events "${H[@]}" "${J[@]}"
shape event.feed-shape '(.data|type=="array") and (.data[0].host.user_id!=null) and (.data[0].is_paid|type=="boolean") and ((.data[0].location.latitude // 0)|type=="number")'
[[ $(jf "[.data[].id]|index($FREE)") != null ]] || echo "      note: the free event is not in the host's feed"
step event.detail 200 GET "/api/events/$FREE" "${H[@]}" "${J[@]}"
step event.share-url 200 GET "/api/events/$FREE/share-url" "${H[@]}" "${J[@]}"
shape event.share-url-shape '(.canonical_url // .canonical_path)|type=="string"'
step event.share-url-anon 200 GET "/api/events/$FREE/share-url" "${J[@]}"
step event.rsvp-deadline 200 PUT "/api/events/$FREE" "${H[@]}" "${J[@]}" -d '{"rsvp_expiry_policy":"day_before_event"}'
step platform.fee 200 GET /api/platform/fee "${H[@]}" "${J[@]}"
step platform.fee-put-gone 405 PUT /api/platform/fee "${H[@]}" "${J[@]}" -d '{"fee_percentage":1}'

echo "-- free event: request, accept, confirm, ticket"
auth "$GUEST"; G=("${AUTH[@]}")
step guest.feed 200 GET /api/events "${G[@]}" "${J[@]}"
step guest.my-invitations 200 GET /api/events/my-invitations "${G[@]}" -H 'accept: application/json'
shape guest.my-invitations-array 'type=="array"'
step guest.my-tickets-empty 200 GET /api/events/my-tickets "${G[@]}" -H 'accept: application/json'
step guest.my-request-none 404 GET "/api/events/$FREE/my-request" "${G[@]}" "${J[@]}"
shape error-envelope-detail '(.detail|type=="string") and .success==false'
step guest.request "201|200" POST "/api/events/$FREE/requests" "${G[@]}" "${J[@]}" \
  -d '{"message":"I would love to attend this event!","seats_requested":1}'
step guest.my-request 200 GET "/api/events/$FREE/my-request" "${G[@]}" "${J[@]}"
step guest.my-requests 200 GET /api/events/my-requests "${G[@]}" "${J[@]}"
step host.requests 200 GET "/api/events/$FREE/requests" "${H[@]}" "${J[@]}"
shape host.requests-shape '(.requests|type=="array") and (.requests[0].id|type=="number") and has("requests")'
RID=$(jf '.requests[0].id')
step host.requester-profile 200 GET "/api/events/$FREE/requests/$RID/profile" "${H[@]}" "${J[@]}"
step host.accept 200 PUT "/api/events/$FREE/requests/$RID/accept" "${H[@]}" "${J[@]}" -d '{"host_message":""}'
step guest.my-request-accepted 200 GET "/api/events/$FREE/my-request" "${G[@]}" "${J[@]}"
[[ $(jf .can_confirm) == true ]] || echo "      note: can_confirm is not true after acceptance"
step guest.confirm "200|201" POST "/api/events/$FREE/confirm-attendance" "${G[@]}" "${J[@]}" -d '{"seats":1}'
shape guest.confirm-ticket-secret '(.ticket_secret|type=="string") and (.ticket_secret|length>0)'
GUEST_SECRET=$(jf .ticket_secret)
step guest.my-ticket 200 GET "/api/events/$FREE/my-ticket" "${G[@]}" "${J[@]}"
step guest.my-tickets 200 GET /api/events/my-tickets "${G[@]}" -H 'accept: application/json'
shape guest.my-tickets-array 'type=="array" and length>=1 and (.[0].event_id!=null)'

echo "-- invitations"
step host.users-search 200 GET "/api/events/users/search?event_id=$FREE&offset=0&limit=100" "${H[@]}" "${J[@]}"
shape host.users-search-shape '(.data|type=="array") and (.data[0].id|type=="number")'
step host.users-search-q 200 GET "/api/events/users/search?event_id=$FREE&offset=0&limit=100&search=Kabir" "${H[@]}" "${J[@]}"
step host.invite "201|200" POST "/api/events/$FREE/invitations" "${H[@]}" "${J[@]}" -d "{\"user_ids\":[$INV_ID],\"expiry_policy\":\"48h\"}"
step host.invitations 200 GET "/api/events/$FREE/invitations" "${H[@]}" "${J[@]}"
shape host.invitations-shape '(.invitations|type=="array") and (.invitations[0].invite_id|type=="number") and (.invitations[0].user_id|type=="number")'
auth "$INV"; I=("${AUTH[@]}")
step invitee.my-invitations 200 GET /api/events/my-invitations "${I[@]}" -H 'accept: application/json'
INVITE_ID=$(jf '.[0].invite_id')
step invitee.respond-going "200|204" PUT "/api/events/invitations/$INVITE_ID/respond" "${I[@]}" "${J[@]}" \
  -d '{"response":"going","message":"I will attend this event!"}'
if [[ $(jf .requires_confirmation) == true ]]; then
  step invitee.confirm "200|201" POST "/api/events/$FREE/confirm-attendance" "${I[@]}" "${J[@]}" -d '{"seats":1}'
fi
step invitee.my-ticket 200 GET "/api/events/$FREE/my-ticket" "${I[@]}" "${J[@]}"
step host.invite-other-paid "201|200" POST "/api/events/$PAID/invitations" "${H[@]}" "${J[@]}" -d "{\"user_ids\":[$OTHER_ID]}"
auth "$OTHER"; O=("${AUTH[@]}")
step other.my-invitations 200 GET /api/events/my-invitations "${O[@]}" -H 'accept: application/json'
OTHER_INVITE=$(jf "[.[]|select(.event_id==$PAID)][0].invite_id")
step other.respond-declined "200|204" PUT "/api/events/invitations/$OTHER_INVITE/respond" "${O[@]}" "${J[@]}" \
  -d '{"response":"declined","message":"I cannot attend this event."}'

echo "-- waitlist (an event of one seat)"
auth "$BUYER"; B=("${AUTH[@]}")
step buyer.request-small "201|200" POST "/api/events/$SMALL/requests" "${B[@]}" "${J[@]}" -d '{"seats_requested":1}'
step other.request-small "201|200" POST "/api/events/$SMALL/requests" "${O[@]}" "${J[@]}" -d '{"seats_requested":1}'
step host.requests-small 200 GET "/api/events/$SMALL/requests" "${H[@]}" "${J[@]}"
R_B=$(jf "[.requests[]|select(.requester_id==$BUYER_ID or .requester_id==\"$BUYER_ID\")][0].id")
R_O=$(jf "[.requests[]|select(.requester_id==$OTHER_ID or .requester_id==\"$OTHER_ID\")][0].id")
# Both are let in while the seat is free; the first to confirm takes it, the other may wait in line.
step host.accept-buyer-small 200 PUT "/api/events/$SMALL/requests/$R_B/accept" "${H[@]}" "${J[@]}" -d '{"host_message":""}'
step host.accept-other-small 200 PUT "/api/events/$SMALL/requests/$R_O/accept" "${H[@]}" "${J[@]}" -d '{"host_message":""}'
step buyer.confirm-small "200|201" POST "/api/events/$SMALL/confirm-attendance" "${B[@]}" "${J[@]}" -d '{"seats":1}'
step other.confirm-full 400 POST "/api/events/$SMALL/confirm-attendance" "${O[@]}" "${J[@]}" -d '{"seats":1}'
step other.waitlist-join "201|200" POST "/api/events/$SMALL/waitlist" "${O[@]}" "${J[@]}" -d '{"seats":1}'
step other.waitlist-me 200 GET "/api/events/$SMALL/waitlist/me" "${O[@]}" "${J[@]}"
step host.waitlist 200 GET "/api/events/$SMALL/waitlist" "${H[@]}" "${J[@]}"
step buyer.cancel-small 200 POST "/api/events/$SMALL/cancel-attendance" "${B[@]}" "${J[@]}" -d '{}'
step other.waitlist-offered 200 GET "/api/events/$SMALL/waitlist/me" "${O[@]}" "${J[@]}"
if [[ $(jf '.status // .data.status') == offered ]]; then
  step other.offer-accept "200|201" POST "/api/events/$SMALL/waitlist/offer/accept" "${O[@]}" "${J[@]}" -d '{"seats":1}'
else
  step other.waitlist-leave 200 DELETE "/api/events/$SMALL/waitlist/me" "${O[@]}" "${J[@]}"
fi

echo "-- paid event through the sandbox gateway"
step buyer.request-paid "201|200" POST "/api/events/$PAID/requests" "${B[@]}" "${J[@]}" -d '{"message":"I would love to attend this event!","seats_requested":1}'
RP=$(jf '.id // .request_id')
step host.accept-paid 200 PUT "/api/events/$PAID/requests/$RP/accept" "${H[@]}" "${J[@]}" -d '{"host_message":""}'
step buyer.event-detail 200 GET "/api/events/$PAID" "${B[@]}" "${J[@]}"
PRICE=$(jf .ticket_price); [[ $(jf .is_paid) == true ]] || echo "      note: paid event says is_paid=$(jf .is_paid)"
step buyer.order-wrong-amount 400 POST /api/payments/orders "${B[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"amount\":499.0,\"seats_count\":1}"
step buyer.create-order 201 POST /api/payments/orders "${B[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"amount\":${PRICE:-500.0},\"seats_count\":1}"
shape buyer.order-shape '(.data.order.id!=null) and (.data.order.event_id!=null) and (.data.payu_redirect.payload|keys|sort==["amount","email","firstname","furl","hash","key","phone","productinfo","surl","txnid"])'
TXN=$(jf .data.order.order_id); ORDER_ROW=$(jf .data.order.id); PAYU_URL=$(jf .data.payu_redirect.payu_url)
printf '%s' "$BODY" | jq -r '.data.payu_redirect.payload|to_entries[]|"\(.key)=\(.value)"' >"$WORK/payload" 2>/dev/null
step buyer.create-order-again 201 POST /api/payments/orders "${B[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"amount\":${PRICE:-500.0},\"seats_count\":1}"
[[ $(jf .data.order.order_id) == "$TXN" ]] || echo "      note: a retried order is a different order"
step buyer.order-created 200 GET "/api/payments/orders/$TXN" "${B[@]}" -H 'accept: application/json'
FORM=(); while IFS= read -r kv; do FORM+=(--data-urlencode "$kv"); done <"$WORK/payload"
PATH_OF() { printf '%s' "$1" | sed -E 's#^https?://[^/]+##'; }
step sandbox.checkout-page 200 POST "$(PATH_OF "$PAYU_URL")" "${FORM[@]}"
# The page is a form posting the same fields plus outcome=pay|fail to the complete route.
ACTION=$(printf '%s' "$BODY" | grep -oE 'action="[^"]+"' | head -1 | sed -E 's/action="([^"]+)"/\1/; s/&amp;/\&/g')
step sandbox.pay 200 POST "$(PATH_OF "${ACTION:-/api/payments/sandbox/complete}")" "${FORM[@]}" --data-urlencode outcome=pay
# The answer auto-posts PayU's signed response to surl: read its hidden inputs.
printf '%s' "$BODY" | grep -oE '<input[^>]+>' | while IFS= read -r tag; do
  n=$(sed -nE 's/.*name="([^"]*)".*/\1/p' <<<"$tag"); v=$(sed -nE 's/.*value="([^"]*)".*/\1/p' <<<"$tag")
  [[ -n "$n" ]] && printf '%s=%s\n' "$n" "$(sed -e 's/&amp;/\&/g; s/&quot;/"/g; s/&#34;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&#39;/'"'"'/g; s/&#x27;/'"'"'/g' <<<"$v")"
done >"$WORK/back"
SURL=$(printf '%s' "$BODY" | grep -oE 'action="[^"]+"' | head -1 | sed -E 's/action="([^"]+)"/\1/; s/&amp;/\&/g')
BACK=(); while IFS= read -r kv; do BACK+=(--data-urlencode "$kv"); done <"$WORK/back"
step payu.success-callback 303 POST "$(PATH_OF "${SURL:-/api/payments/payu/success}")" "${BACK[@]}"
LOC=$(grep -i '^location:' "$HDRF" | tr -d '\r' | sed 's/^[Ll]ocation: *//')
step payu.result-page 200 GET "$(PATH_OF "${LOC:-/api/payments/payu/success}")"
step buyer.order-poll 200 GET "/api/payments/orders/$TXN" "${B[@]}" -H 'accept: application/json'
[[ $(jf '.data.order.status // .data.status') == paid ]] || echo "      note: order status after Pay is $(jf '.data.order.status // .data.status')"
step buyer.my-ticket-paid 200 GET "/api/events/$PAID/my-ticket" "${B[@]}" "${J[@]}"
shape buyer.my-ticket-shape '(.ticket_secret|type=="string") and (.ticket_secret|length>0)'
BUYER_SECRET=$(jf .ticket_secret)
step payu.replayed-callback "303|200|409" POST "$(PATH_OF "${SURL:-/api/payments/payu/success}")" "${BACK[@]}"
FORGED=(); while IFS= read -r kv; do [[ $kv == hash=* ]] && kv="hash=$(printf 'f%.0s' $(seq 128))"; FORGED+=(--data-urlencode "$kv"); done <"$WORK/back"
step payu.forged-hash 400 POST /api/payments/payu/success "${FORGED[@]}"
TAMPER=(); while IFS= read -r kv; do [[ $kv == amount=* ]] && kv="amount=1.00"; TAMPER+=(--data-urlencode "$kv"); done <"$WORK/back"
step payu.tampered-amount 400 POST /api/payments/payu/success "${TAMPER[@]}"
step payu.forged-failure "400|404" POST /api/payments/payu/failure --data-urlencode "key=SANDBOX" --data-urlencode "txnid=$TXN" \
  --data-urlencode amount=550.00 --data-urlencode productinfo=x --data-urlencode firstname=x --data-urlencode email=x@x.in \
  --data-urlencode status=failure --data-urlencode hash=00
step payu.webhook-replay "200" POST /api/payments/payu/webhook "${BACK[@]}"
step payu.webhook-forged "400|404" POST /api/payments/payu/webhook "${J[@]}" \
  -d "{\"key\":\"SANDBOX\",\"txnid\":\"$TXN\",\"amount\":\"1.00\",\"productinfo\":\"x\",\"firstname\":\"x\",\"email\":\"x@x.in\",\"status\":\"success\",\"hash\":\"abc\"}"
step payu.webhook-unknown-txn "400|404" POST /api/payments/payu/webhook --data-urlencode key=SANDBOX --data-urlencode txnid=NOSUCHTXN0000000000X \
  --data-urlencode amount=1.00 --data-urlencode productinfo=x --data-urlencode firstname=x --data-urlencode email=x@x.in \
  --data-urlencode status=success --data-urlencode hash=abc
step payu.webhook-repeated-field 400 POST /api/payments/payu/webhook "${BACK[@]}" --data-urlencode "txnid=$TXN"
step sandbox.unsigned-checkout "400|404" POST /api/payments/sandbox/checkout --data-urlencode key=SANDBOX --data-urlencode "txnid=$TXN" \
  --data-urlencode amount=1.00 --data-urlencode productinfo=x --data-urlencode firstname=x --data-urlencode email=x@x.in \
  --data-urlencode phone=1 --data-urlencode surl=http://evil.example/s --data-urlencode furl=http://evil.example/f --data-urlencode hash=00
step other.order-of-another 404 GET "/api/payments/orders/$TXN" "${O[@]}" -H 'accept: application/json'
step other.ticket-of-another 404 GET "/api/events/$PAID/my-ticket" "${O[@]}" "${J[@]}"
step other.checkin-with-buyer-secret "403|404" POST "/api/events/$PAID/check-in" "${O[@]}" "${J[@]}" -d "{\"ticket_secret\":\"$BUYER_SECRET\"}"
step other.door-with-buyer-secret "403|404" POST /api/attendances/check-in "${O[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"ticket_secret\":\"$BUYER_SECRET\"}"
step guest.attendees-not-host "403|404" GET "/api/events/$PAID/attendees" "${G[@]}" "${J[@]}"
step guest.accept-not-host "403|404" PUT "/api/events/$PAID/requests/$RP/accept" "${G[@]}" "${J[@]}" -d '{}'

echo "-- check-in at the door"
step host.attendees 200 GET "/api/events/$FREE/attendees" "${H[@]}" "${J[@]}"
shape host.attendees-shape '(.attendees|type=="array") and ([.attendees[]|select(.ticket_secret!=null)]|length>=1) and (.attendees[0].user_id|type=="number")'
SECRET=$(jf "[.attendees[]|select(.user_id==$GUEST_ID)][0].ticket_secret"); [[ -n "$SECRET" && "$SECRET" != null ]] || SECRET=$GUEST_SECRET
step host.check-in 200 POST "/api/events/$FREE/check-in" "${H[@]}" "${J[@]}" -d "{\"ticket_secret\":\"$SECRET\"}"
step host.check-in-again 200 POST "/api/events/$FREE/check-in" "${H[@]}" "${J[@]}" -d "{\"ticket_secret\":\"$SECRET\"}"
[[ $(jf .already_checked_in) == true ]] || echo "      note: a repeated check-in does not say already_checked_in"
step host.check-in-by-user 200 POST "/api/events/$FREE/attendees/$INV_ID/check-in" "${H[@]}" "${J[@]}" -d '{}'
[[ $(jf .success) == true ]] || echo "      note: per-user check-in lacks success:true"
step host.check-ins 200 GET "/api/events/$FREE/check-ins" "${H[@]}" "${J[@]}"
shape host.check-ins-shape '(.checked_in|type=="array") and (.checked_in[0].user_id|type=="number")'
step host.check-out-by-user 200 POST "/api/events/$FREE/attendees/$INV_ID/check-out" "${H[@]}" "${J[@]}" -d '{}'
step host.door-list 200 GET "/api/attendances/events/$FREE" "${H[@]}" "${J[@]}"
step host.check-in-bad-secret 404 POST "/api/events/$FREE/check-in" "${H[@]}" "${J[@]}" -d '{"ticket_secret":"not-a-ticket"}'

echo "-- notifications / inbox"
step guest.inbox 200 GET /api/notifications "${G[@]}" "${J[@]}"
NID=$(jf '(.data // .notifications // .items // [])[0].id')
step guest.unread-count 200 GET /api/notifications/unread-count "${G[@]}" "${J[@]}"
if [[ -n "$NID" && "$NID" != null ]]; then step guest.read-one 200 POST "/api/notifications/$NID/read" "${G[@]}" "${J[@]}" -d '{}'; fi
step guest.read-all 200 POST /api/notifications/read-all "${G[@]}" "${J[@]}" -d '{}'
step guest.preferences 200 GET /api/notifications/preferences "${G[@]}" "${J[@]}"
step guest.preferences-put 200 PUT /api/notifications/preferences "${G[@]}" "${J[@]}" -d '{"muted":["promotional"]}'

echo "-- payouts"
step host.bank-account "201|200" POST /api/payouts/bank-accounts "${H[@]}" "${J[@]}" \
  -d '{"bank_name":"State Bank of India","account_number":"918273645501","ifsc_code":"SBIN0001234","account_holder_name":"Asha Rao","is_primary":false}'
BANK_ID=$(jf '.data.id // .id')
step host.bank-accounts 200 GET /api/payouts/bank-accounts "${H[@]}" "${J[@]}"
step host.bank-primary 200 POST "/api/payouts/bank-accounts/$BANK_ID/primary" "${H[@]}" "${J[@]}" -d '{}'
step host.payout-summary 200 GET /api/payouts/summary "${H[@]}" "${J[@]}"
# Money settles 48 h after the event ended (PAYOUT_SETTLEMENT_HOURS): nothing is available on a fresh server.
step host.payout-request 400 POST /api/payouts/requests "${H[@]}" "${J[@]}" -d '{}'
step host.payout-requests 200 GET /api/payouts/requests "${H[@]}" "${J[@]}"
step host.leads-become-host "200|201" POST /api/hosts/become-a-host "${G[@]}" "${J[@]}" \
  -d "{\"first_name\":\"Ravi\",\"last_name\":\"Kumar\",\"phone_number\":\"$P_GUEST\",\"message\":\"I run open mics\"}"

echo "-- privacy"
step guest.export 200 GET /api/auth/me/export "${G[@]}" "${J[@]}"
step guest.profile-update 200 PUT /api/auth/profile "${G[@]}" "${J[@]}" -d '{"bio":"Guitar and chai"}'

echo "-- staff API (as $STAFF_PHONE)"
signin staff "$STAFF_PHONE"; STAFF=$TOKEN; auth "$STAFF"; S=("${AUTH[@]}")
step staff.payouts 200 GET "/api/staff/payouts" "${S[@]}" "${J[@]}"
PAYOUT_ID=$(jf '.data[0].id // empty')
step staff.audit-entries 200 GET /api/staff/audit/entries "${S[@]}" "${J[@]}"
step staff.audit-days 200 GET "/api/staff/audit/days?from=$(date -u -d '-1 day' +%F)&to=$(date -u +%F)" "${S[@]}" "${J[@]}"
step staff.campaign-templates 200 GET /api/staff/campaign-templates "${S[@]}" "${J[@]}"
TPL=$(jf '(.data // .templates // .)[0] | (.key // .name // .template // .id)')
VALS=$(jf '(.data // .templates // .)[0] | ((.variables // []) | map({(if type=="object" then .name else . end): "Walk"}) | add // {})' | jq -c . 2>/dev/null)
step staff.campaign-create 201 POST /api/staff/campaigns "${S[@]}" "${J[@]}" \
  -d "{\"name\":\"Walk campaign $R4\",\"template\":\"$TPL\",\"values\":${VALS:-{\}},\"audience\":{\"city\":\"Mumbai\"}}"
CAMPAIGN=$(jf '.data.id // .campaign.id // .id')
step staff.campaigns 200 GET /api/staff/campaigns "${S[@]}" "${J[@]}"
step staff.campaign 200 GET "/api/staff/campaigns/$CAMPAIGN" "${S[@]}" "${J[@]}"
step staff.campaign-preview 200 POST "/api/staff/campaigns/$CAMPAIGN/preview" "${S[@]}" "${J[@]}" -d '{}'
step staff.host-leads 200 GET /api/hosts/host-leads "${S[@]}" "${J[@]}"
step member.staff-route-refused 403 GET /api/staff/payouts "${G[@]}" "${J[@]}"
step member.host-leads-refused 403 GET /api/hosts/host-leads "${G[@]}" "${J[@]}"
step staff.approve-2pow63 404 POST /api/staff/payouts/9223372036854775808/approve "${S[@]}" "${J[@]}" -d '{}'
step staff.markpaid-unknown 404 POST /api/staff/payouts/999999/mark-paid "${S[@]}" "${J[@]}" -d '{"utr":"SBIN426123456789"}'
step staff.campaign-bad-template 422 POST /api/staff/campaigns "${S[@]}" "${J[@]}" -d '{"name":"x","template":"no_such_template","values":{}}'
step staff.sees-order 200 GET "/api/payments/orders/$TXN" "${S[@]}" -H 'accept: application/json'

echo "-- payouts walked end to end with make run's demo host (+919000000002: a past paid event, money settled)"
signin demo "+919000000002"; DEMO=$TOKEN; auth "$DEMO"; D=("${AUTH[@]}")
step demo.payout-summary 200 GET /api/payouts/summary "${D[@]}" "${J[@]}"
shape demo.available-positive '(.data.totals.available | tonumber) > 0'
step demo.bank-account "201|200" POST /api/payouts/bank-accounts "${D[@]}" "${J[@]}" \
  -d '{"bank_name":"HDFC Bank","account_number":"50100123456789","ifsc_code":"HDFC0000123","account_holder_name":"Demo Host","is_primary":true}'
step demo.payout-request 201 POST /api/payouts/requests "${D[@]}" "${J[@]}" -d '{}'
DEMO_PAYOUT=$(jf '.data.id // .id')
step demo.payout-cancel-by-other 404 POST "/api/payouts/requests/$DEMO_PAYOUT/cancel" "${G[@]}" "${J[@]}" -d '{}'
step staff.demo-approve 200 POST "/api/staff/payouts/$DEMO_PAYOUT/approve" "${S[@]}" "${J[@]}" -d '{}'
step staff.demo-approve-again "200|409|400" POST "/api/staff/payouts/$DEMO_PAYOUT/approve" "${S[@]}" "${J[@]}" -d '{}'
step staff.demo-mark-paid 200 POST "/api/staff/payouts/$DEMO_PAYOUT/mark-paid" "${S[@]}" "${J[@]}" -d '{"utr":"HDFC426123456789"}'
step demo.payout-summary-paid 200 GET /api/payouts/summary "${D[@]}" "${J[@]}"
shape demo.paid-out '((.data.totals.paid_out // .data.paid_out // .totals.paid_out // .paid_out) | tonumber) > 0'

echo "-- hostile input"
BIG=(9223372036854775808 18446744073709551616 100000000000000000000000000000 -1 0)
for id in "${BIG[@]}"; do
  step "hostile.event-id($id)" 404 GET "/api/events/$id" "${G[@]}" "${J[@]}"
done
for id in 9223372036854775808 -5; do
  step "hostile.my-request($id)" 404 GET "/api/events/$id/my-request" "${G[@]}" "${J[@]}"
  step "hostile.share-url($id)" 404 GET "/api/events/$id/share-url" "${G[@]}" "${J[@]}"
  step "hostile.venue($id)" 404 GET "/api/events/venues/$id" "${G[@]}" "${J[@]}"
  step "hostile.accept($id)" 404 PUT "/api/events/$FREE/requests/$id/accept" "${H[@]}" "${J[@]}" -d '{}'
  step "hostile.respond($id)" 404 PUT "/api/events/invitations/$id/respond" "${I[@]}" "${J[@]}" -d '{"response":"going"}'
  step "hostile.read-notif($id)" 404 POST "/api/notifications/$id/read" "${G[@]}" "${J[@]}" -d '{}'
  step "hostile.checkin-user($id)" 404 POST "/api/events/$FREE/attendees/$id/check-in" "${H[@]}" "${J[@]}" -d '{}'
  step "hostile.bank-primary($id)" 404 POST "/api/payouts/bank-accounts/$id/primary" "${H[@]}" "${J[@]}" -d '{}'
done
step hostile.order-id-huge 404 GET "/api/payments/orders/$(printf '9%.0s' $(seq 40))" "${B[@]}"
step hostile.order-id-nul 422 GET "/api/payments/orders/LP%00x" "${B[@]}"
step hostile.body-event-id-2pow63 422 POST /api/payments/orders "${B[@]}" "${J[@]}" -d '{"event_id":9223372036854775808,"amount":500,"seats_count":1}'
step hostile.body-event-id-neg 422 POST /api/payments/orders "${B[@]}" "${J[@]}" -d '{"event_id":-1,"amount":500,"seats_count":1}'
step hostile.invite-ids-2pow64 422 POST "/api/events/$FREE/invitations" "${H[@]}" "${J[@]}" -d '{"user_ids":[18446744073709551616]}'
step hostile.door-event-id-0 422 POST /api/attendances/check-in "${H[@]}" "${J[@]}" -d '{"event_id":0,"ticket_secret":"x"}'
step hostile.search-event-id-huge 422 GET "/api/events/users/search?event_id=99999999999999999999999" "${H[@]}" "${J[@]}"
step hostile.payout-bank-id-huge 422 POST /api/payouts/requests "${H[@]}" "${J[@]}" -d '{"bank_account_id":9223372036854775808}'
step hostile.nul-in-phone 422 POST /api/auth/signup "${J[@]}" -d '{"phone_number":"+91981\u00002345678"}'
step hostile.nul-in-venue-name 422 POST /api/events/venues "${H[@]}" "${J[@]}" -d '{"name":"Bad\u0000Venue"}'
step hostile.nul-in-key 422 PUT /api/auth/profile "${G[@]}" "${J[@]}" -d '{"bi\u0000o":"x"}'
step hostile.lone-surrogate 422 PUT /api/auth/profile "${G[@]}" "${J[@]}" -d '{"bio":"\ud800"}'
step hostile.nul-in-path "422|404" GET "/api/events/1%00" "${G[@]}" "${J[@]}"
step hostile.nul-in-path-str 422 GET "/api/notifications/devices/x%00y" "${G[@]}" "${J[@]}" -X DELETE
step hostile.nul-in-query 422 GET "/api/events/users/search?event_id=$FREE&search=a%00b" "${H[@]}" "${J[@]}"
printf 'Nul\0Jam' >"$WORK/nul.txt"
step hostile.nul-in-form-field 422 POST /api/events "${H[@]}" -F "title=<$WORK/nul.txt" -F "start_time=$START" -F duration_hours=2 -F venue_name=X
step hostile.invalid-utf8-file-name 422 POST /api/auth/complete-profile "${G[@]}" -F name=Ravi -F birth_date=1999-04-12 -F gender=male \
  -F 'event_interests=[1]' -F "profile_pictures=@$PIC;filename=a"$'\xff\xfe'"b.png;type=image/png"
DEEP=$(printf '[%.0s' $(seq 10000))$(printf ']%.0s' $(seq 10000))
DEEPO=$(printf '{"a":%.0s' $(seq 10000))1$(printf '}%.0s' $(seq 10000))
step hostile.deep-json-signup 422 POST /api/auth/signup "${J[@]}" --data-binary "$DEEP"
step hostile.deep-json-order 422 POST /api/payments/orders "${B[@]}" "${J[@]}" --data-binary "$DEEPO"
step hostile.deep-json-invite 422 POST "/api/events/$FREE/invitations" "${H[@]}" "${J[@]}" --data-binary "{\"user_ids\":$DEEP}"
step hostile.deep-json-webhook 422 POST /api/payments/payu/webhook "${J[@]}" --data-binary "$DEEPO"
step hostile.deep-json-campaign 422 POST /api/staff/campaigns "${S[@]}" "${J[@]}" --data-binary "$DEEPO"
step hostile.amount-1e400 422 POST /api/payments/orders "${B[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"amount\":1e400,\"seats_count\":1}"
step hostile.amount-string 422 POST /api/payments/orders "${B[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"amount\":\"500\",\"seats_count\":\"1\"}"
step hostile.seats-huge 422 POST /api/payments/orders "${B[@]}" "${J[@]}" -d "{\"event_id\":$PAID,\"amount\":500,\"seats_count\":100000000000000000000}"
step hostile.payout-1e9999 422 POST /api/payouts/requests "${H[@]}" "${J[@]}" -d '{"amount":"1e9999"}'
step hostile.capacity-huge 422 PUT "/api/events/$FREE" "${H[@]}" "${J[@]}" -d '{"max_capacity":100000000000000000000000}'
step hostile.price-40-digits 422 PUT "/api/events/$PAID" "${H[@]}" "${J[@]}" -d "{\"ticket_price\":\"$(printf '9%.0s' $(seq 40))\"}"
step hostile.latitude-nan 422 PUT "/api/events/$FREE" "${H[@]}" "${J[@]}" -d '{"location_latitude":"NaN"}'
step hostile.duration-inf 422 POST /api/events "${H[@]}" -F title=Inf -F "start_time=$START" -F duration_hours=1e9999 -F venue_name=X
step hostile.start-year-99999 422 POST /api/events "${H[@]}" -F title=Far -F start_time=99999-01-01T00:00:00Z -F duration_hours=2 -F venue_name=X
step hostile.start-year-9999 422 POST /api/events "${H[@]}" -F title=Far -F start_time=9999-12-31T23:59:59Z -F duration_hours=2 -F venue_name=X
step hostile.start-1900 422 POST /api/events "${H[@]}" -F title=Past -F start_time=1900-01-01T00:00:00Z -F duration_hours=2 -F venue_name=X
step hostile.start-feb-30 422 PUT "/api/events/$FREE" "${H[@]}" "${J[@]}" -d '{"start_time":"2027-02-30T10:00:00Z"}'
step hostile.timezone-absurd 422 POST /api/events "${H[@]}" -F title=Tz -F "start_time=$START" -F duration_hours=2 -F venue_name=X -F "timezone=$(printf 'Mars/%.0s' $(seq 30))"
step hostile.birth-date-absurd 422 PUT /api/auth/profile "${G[@]}" "${J[@]}" -d '{"birth_date":"0000-00-00"}'
step hostile.interest-ids-nested 422 POST /api/events "${H[@]}" -F title=Ids -F "start_time=$START" -F duration_hours=2 -F venue_name=X -F 'event_interest_ids=[[1],[2]]'
step hostile.bool-as-string 422 POST /api/payouts/bank-accounts "${H[@]}" "${J[@]}" \
  -d '{"bank_name":"SBI","account_number":"918273645502","ifsc_code":"SBIN0001234","account_holder_name":"Asha","is_primary":"false"}'
printf '{"phone_number":"+9198\xff\xfe12345"}' >"$WORK/bad.json"
step hostile.invalid-utf8-json 422 POST /api/auth/signup "${J[@]}" --data-binary @"$WORK/bad.json"
printf '{"name":"Caf\xc3\x28 Venue"}' >"$WORK/bad2.json"
step hostile.invalid-utf8-venue 422 POST /api/events/venues "${H[@]}" "${J[@]}" --data-binary @"$WORK/bad2.json"
printf 'Jam \xff\xfe' >"$WORK/badtitle"
step hostile.invalid-utf8-multipart 422 POST /api/events "${H[@]}" -F "title=<$WORK/badtitle" -F "start_time=$START" -F duration_hours=2 -F venue_name=X
printf 'key=SANDBOX&txnid=\xff\xfe&amount=1' >"$WORK/bad.form"
step hostile.invalid-utf8-callback 422 POST /api/payments/payu/success -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$WORK/bad.form"
step hostile.invalid-utf8-path "422|404" GET "/api/events/%ff%fe"
step hostile.invalid-utf8-path-str 422 GET "/api/payments/orders/LP%ff%fe" "${G[@]}" "${J[@]}"
step hostile.json-as-text-plain 415 POST /api/auth/signup -H 'Content-Type: text/plain' -d "{\"phone_number\":\"$P_GUEST\"}"
step hostile.json-as-form 415 POST /api/auth/signup -H 'Content-Type: application/x-www-form-urlencoded' -d "phone_number=$P_GUEST"
step hostile.json-no-type 415 POST /api/payments/orders "${B[@]}" -H 'Content-Type:' -d "{\"event_id\":$PAID,\"amount\":500}"
step hostile.order-as-xml 415 POST /api/payments/orders "${B[@]}" -H 'Content-Type: application/xml' -d '<order/>'
step hostile.not-json 422 POST /api/payments/orders "${B[@]}" "${J[@]}" -d '{"event_id": 1,'
step hostile.json-array-body 422 POST /api/events/venues "${H[@]}" "${J[@]}" -d '[1,2,3]'
step hostile.xff-spoofed-feed 200 GET /api/events "${G[@]}" "${J[@]}" -H 'X-Forwarded-For: 8.8.8.8, 1.1.1.1' -H 'X-Forwarded-Proto: https'
step hostile.xff-garbage 200 GET /health -H 'X-Forwarded-For: <script>, 999.999.1.1, ::::' -H 'Forwarded: for=evil'
step hostile.xff-signup-still-limited 429 POST /api/auth/signup "${J[@]}" -H 'X-Forwarded-For: 203.0.113.9' -d "{\"phone_number\":\"$P_GUEST\"}"
step hostile.no-token 401 GET /api/events "${J[@]}"
step hostile.garbage-token 401 GET /api/events -H 'Authorization: Bearer abc.def.ghi' "${J[@]}"
NONE_HDR=$(printf '{"alg":"none","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
NONE_PL=$(printf '{"user_id":%s,"phone_number":"%s","sub":"%s","exp":4102444800}' "$HOST_ID" "$P_HOST" "$HOST_ID" | base64 -w0 | tr '+/' '-_' | tr -d '=')
step hostile.alg-none-token 401 GET /api/auth/profile -H "Authorization: Bearer $NONE_HDR.$NONE_PL." "${J[@]}"
TOKPL=$(cut -d. -f2 <<<"$GUEST"); FORGEPL=$(printf '{"user_id":9223372036854775808,"phone_number":"%s","exp":4102444800}' "$P_GUEST" | base64 -w0 | tr '+/' '-_' | tr -d '=')
step hostile.forged-claims-token 401 GET /api/auth/profile -H "Authorization: Bearer $(cut -d. -f1 <<<"$GUEST").$FORGEPL.$(cut -d. -f3 <<<"$GUEST")" "${J[@]}"
head -c 11000000 /dev/zero | tr '\0' 'a' | sed 's/^/{"phone_number":"/; s/$/"}/' >"$WORK/huge.json"
step hostile.oversized-json 413 POST /api/auth/signup "${J[@]}" --data-binary @"$WORK/huge.json"
head -c 21000000 /dev/urandom >"$WORK/huge.png"
step hostile.oversized-event-form 413 POST /api/events "${H[@]}" -F title=Big -F "start_time=$START" -F duration_hours=2 -F venue_name=X -F "cover_images=@$WORK/huge.png;type=image/png"
head -c 100000 /dev/zero | tr '\0' 'a' | sed 's/^/key=SANDBOX\&txnid=/' >"$WORK/huge.form"
step hostile.oversized-callback "400|413" POST /api/payments/payu/webhook -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$WORK/huge.form"
step hostile.many-parts 413 POST /api/events "${H[@]}" $(for i in $(seq 1100); do printf -- '-F p%s=x ' "$i"; done)
step hostile.long-url 400 GET "/api/events?x=$(head -c 70000 /dev/zero | tr '\0' 'a')" "${G[@]}"
step hostile.verify-bad-code-shape 422 POST /api/auth/verify-otp "${J[@]}" -d "{\"phone_number\":\"$P_GUEST\",\"otp_code\":\"12a4567\"}"
step hostile.phone-not-e164 422 POST /api/auth/signup "${J[@]}" -d '{"phone_number":"12345"}'
step hostile.respond-bad-value 422 PUT "/api/events/invitations/$INVITE_ID/respond" "${I[@]}" "${J[@]}" -d '{"response":"maybe"}'
step hostile.duplicate-keys 200 PUT /api/auth/profile "${G[@]}" "${J[@]}" -d '{"bio":"a","bio":"b"}'
step other.device-register-shared "201|200" POST /api/notifications/devices/register "${O[@]}" "${J[@]}" \
  -d "{\"onesignal_player_id\":\"shared-player-$R4\",\"platform\":\"android\"}"
step hostile.device-other-account 409 POST /api/notifications/devices/register "${G[@]}" "${J[@]}" \
  -d "{\"onesignal_player_id\":\"shared-player-$R4\",\"platform\":\"android\"}"

echo "-- logout device (last)"
step other.device-deactivate 200 DELETE "/api/notifications/devices/shared-player-$R4" "${O[@]}" -H 'Accept: application/json'

cat >/tmp/walk.env <<ENV
API=$A
LOG=$LOG
HOST_TOKEN=$HOST
GUEST_TOKEN=$GUEST
BUYER_TOKEN=$BUYER
INVITEE_TOKEN=$INV
OTHER_TOKEN=$OTHER
STAFF_TOKEN=$STAFF
STAFF_PHONE=$STAFF_PHONE
HOST_ID=$HOST_ID
GUEST_ID=$GUEST_ID
BUYER_ID=$BUYER_ID
INVITEE_ID=$INV_ID
OTHER_ID=$OTHER_ID
FREE_EVENT=$FREE
PAID_EVENT=$PAID
SMALL_EVENT=$SMALL
VENUE_ID=$VENUE_ID
ORDER_TXNID=$TXN
ORDER_ROW_ID=$ORDER_ROW
BANK_ACCOUNT_ID=$BANK_ID
PAYOUT_ID=${PAYOUT_ID:-}
CAMPAIGN_ID=$CAMPAIGN
INVITE_ID=$INVITE_ID
ENV

echo
echo "$OK of $TOTAL steps as expected, $FIVE 5xx"
if ((${#FAILED[@]})); then printf '  %s\n' "${FAILED[@]}"; exit 1; fi
exit 0
