"""A route= function served on its own path (round-2 fixture): the path's converters are its args."""
from django.http import HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from izana.client.executor import FunctionError, execute_function


def route_view(fn_name: str):
    @csrf_exempt
    def view(request, **kwargs):
        result = execute_function(request, fn_name, kwargs)
        if isinstance(result, FunctionError):
            return result.to_response()
        if isinstance(result, HttpResponseBase):
            return result
        return JsonResponse(result.data, safe=False)

    return view
