/* page: one file per page; each fills app->doc for its stylesheet. */
#ifndef RATHAUS_PAGE_H
#define RATHAUS_PAGE_H

struct app;

int	 page_catalog(struct app *);
int	 page_form(struct app *);
int	 page_receipt(struct app *);
int	 page_status(struct app *);
int	 page_pay(struct app *);
int	 page_pay_return(struct app *);
int	 page_webhook(struct app *);
int	 page_login(struct app *);
int	 page_my(struct app *);
int	 page_my_submission(struct app *);
int	 page_legal(struct app *);
int	 page_site(struct app *);
int	 page_calendar(struct app *);
int	 page_staff_inbox(struct app *);
int	 page_staff_submission(struct app *);
int	 page_staff_file(struct app *);
int	 page_staff_export(struct app *);
int	 page_staff_day(struct app *);

#endif
