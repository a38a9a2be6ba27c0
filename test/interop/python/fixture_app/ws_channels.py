from pydantic import BaseModel

from izana.channels import Channel, get_channel
from izana.channels import register as register_channel


class ChatChannel(Channel):
    class Params(BaseModel):
        room: str

    class ClientMessage(BaseModel):
        text: str

    class ServerMessage(BaseModel):
        text: str
        sender: str

    def authorize(self, params) -> bool:
        return params.room != "forbidden"

    def group(self, params) -> str:
        return f"chat_{params.room}"

    def receive(self, params, msg):
        sender = getattr(self.user, "username", "") or "anonymous"
        return ChatChannel.ServerMessage(text=msg.text, sender=sender)


if get_channel("chat") is None:
    register_channel(ChatChannel, "chat")
