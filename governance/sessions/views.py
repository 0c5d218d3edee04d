"""Pages of the standing working sessions and of the calendars."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.access import visible_initiative_or_404
from core.views import run_service
from initiatives.selectors import initiative_for_detail_queryset

from . import calendar, invitations, permissions, selectors, services
from .forms import CancelForm, MoveForm, RecordForm, SeriesForm
from .models import SessionStatus


def _session_or_404(user, pk: int):
    session = selectors.session_for_user(user, pk)
    if session is None:
        raise Http404("No such working session.")
    return session


def series_edit(request, pk: int):
    """Set or change the cadence and participants of the initiative's standing session."""
    initiative = visible_initiative_or_404(request.user, pk, initiative_for_detail_queryset())
    if not permissions.can_schedule(request.user, initiative):
        raise PermissionDenied(gettext("Only the sponsor side or an IT lead sets the cadence."))
    series = getattr(initiative, "working_series", None)
    form = SeriesForm(request.POST or None, instance=series)
    if series is None and not request.POST:
        form.initial.update(
            {
                "starts_on": timezone.localdate(),
                "time_zone": "Europe/Berlin",
                "start_time": "10:00",
                "weekday": 1,
                "duration_minutes": 60,
            }
        )
    if request.method == "POST" and form.is_valid():
        ok, _ = run_service(
            request,
            lambda: services.set_series(
                initiative=initiative,
                user=request.user,
                fields=form.series_fields(),
                participants=form.cleaned_data["participants"],
            ),
            form=form,
            success=gettext("Standing working session saved; upcoming dates updated."),
        )
        if ok:
            return redirect(initiative)
    return render(
        request,
        "governance/sessions/series_form.html",
        {"initiative": initiative, "form": form, "series": series},
    )


def session_detail(request, pk: int):
    """One occurrence: its agenda, and forms to move, cancel or record it."""
    session = _session_or_404(request.user, pk)
    initiative = session.initiative
    people = sorted(
        {p.pk: p for p in [initiative.sponsor, *session.series.participants.all()]}.values(),
        key=lambda p: p.username,
    )
    local = session.starts_at.astimezone(ZoneInfo(session.series.time_zone))
    can_schedule = permissions.can_schedule(request.user, initiative)
    can_record = permissions.can_record(request.user, session)
    return render(
        request,
        "governance/sessions/session_detail.html",
        {
            "session": session,
            "initiative": initiative,
            "agenda": selectors.agenda_for(session),
            "invitations": invitations.invitation_state(session),
            "local_start": local,
            "people": people,
            "can_schedule": can_schedule and session.status == SessionStatus.PLANNED,
            "can_record": can_record
            and session.status != SessionStatus.CANCELLED
            and session.starts_at <= timezone.now(),
            "move_form": MoveForm(
                initial={
                    "starts_at": local.replace(tzinfo=None),
                    "duration_minutes": session.duration_minutes,
                    "location": session.location,
                }
            ),
            "record_form": RecordForm(
                people=people,
                initial={
                    "notes": session.notes,
                    "decisions": session.decisions,
                    "attendees": [str(a.pk) for a in session.attendees.all()],
                },
            ),
        },
    )


@require_POST
def session_move(request, pk: int):
    session = _session_or_404(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, gettext("Enter a valid date, time and duration to move the session.")
        )
        return redirect("sessions:session", pk=pk)
    starts_at = form.cleaned_data["starts_at"]
    if timezone.is_aware(starts_at):
        starts_at = starts_at.replace(tzinfo=None)
    run_service(
        request,
        lambda: services.move_session(
            session=session,
            user=request.user,
            starts_at=starts_at.replace(tzinfo=ZoneInfo(session.series.time_zone)),
            duration_minutes=form.cleaned_data["duration_minutes"],
            location=form.cleaned_data["location"],
        ),
        success=gettext("Session moved; the rest of the series is unchanged."),
    )
    return redirect("sessions:session", pk=pk)


@require_POST
def session_cancel(request, pk: int):
    session = _session_or_404(request.user, pk)
    form = CancelForm(request.POST)
    form.is_valid()
    run_service(
        request,
        lambda: services.cancel_session(
            session=session, user=request.user, reason=form.cleaned_data.get("reason", "")
        ),
        success=gettext("Session cancelled; the rest of the series is unchanged."),
    )
    return redirect("sessions:session", pk=pk)


@require_POST
def session_record(request, pk: int):
    session = _session_or_404(request.user, pk)
    people = [session.initiative.sponsor, *session.series.participants.all()]
    form = RecordForm(request.POST, people=people)
    if form.is_valid():
        run_service(
            request,
            lambda: services.record_session(
                session=session,
                user=request.user,
                notes=form.cleaned_data["notes"],
                decisions=form.cleaned_data["decisions"],
                attendees=[int(pk) for pk in form.cleaned_data["attendees"]],
            ),
            success=gettext("Notes and attendance saved."),
        )
        return redirect("sessions:session", pk=session.pk)
    else:
        if not permissions.can_record(request.user, session):
            raise PermissionDenied(gettext("You may not record this working session."))
        messages.error(request, gettext("Notes are required."))
    return redirect("sessions:session", pk=session.pk)


def initiative_ics(request, pk: int):
    """The initiative's working sessions as an .ics file."""
    initiative = visible_initiative_or_404(request.user, pk, initiative_for_detail_queryset())
    response = HttpResponse(
        calendar.initiative_calendar(initiative), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{initiative.reference}-working-sessions.ics"'
    )
    return response


@login_not_required
def personal_feed(request, token: str):
    """A user's subscription feed. The secret token is the credential: calendar clients
    cannot sign in. Only sessions of initiatives the user may still see are listed."""
    user = calendar.user_for_token(token)
    if user is None:
        raise Http404("No such calendar feed.")
    response = HttpResponse(
        calendar.personal_calendar(user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


def calendar_settings(request):
    """Show the personal feed URL; POST regenerates it (the old URL stops working)."""
    if request.method == "POST":
        calendar.feed_token(request.user, regenerate=True)
        messages.success(request, gettext("New calendar URL created; the old one no longer works."))
        return redirect("sessions:calendar")
    token = calendar.feed_token(request.user)
    feed_url = request.build_absolute_uri(reverse("sessions:feed", args=[token.token]))
    upcoming = list(calendar.feed_sessions(request.user).filter(starts_at__gte=timezone.now())[:10])
    return render(
        request, "governance/sessions/calendar.html", {"feed_url": feed_url, "upcoming": upcoming}
    )
